"""Screens of custom orders: the customer's steps and notices, the rep's card and steps."""

from __future__ import annotations

from datetime import date

from telegram import InlineKeyboardButton

from bot.domain.custom_orders import MAX_PHOTOS, CustomRequest, CustomState
from bot.i18n import Texts
from bot.services.custom_orders import CustomCard, CustomDraft
from bot.ui import actions
from bot.ui.callbacks import pack
from bot.ui.screen import CAPTION_LIMIT, Screen, button, clip, esc, keyboard


def _cancel(t: Texts) -> list[InlineKeyboardButton]:
    return [button(t._("✖️ Cancel"), pack(actions.Custom.CANCEL))]


def ask_text(t: Texts) -> Screen:
    """First step: what is needed."""
    return Screen(
        t._(
            "🛠 <b>Custom order</b>\nDescribe what you need: product, size, material, colour,"
            " printing… (up to 1000 characters)."
        ),
        keyboard([_cancel(t)]),
    )


def ask_photos(t: Texts, count: int) -> Screen:
    """Second step: photos or drawings, up to five, or done."""
    text = t._("Send up to %(max)d photos (a sketch, a sample), or press Done.") % {
        "max": MAX_PHOTOS
    }
    if count:
        text += "\n" + t._("Photos so far: %(count)d of %(max)d.") % {
            "count": count,
            "max": MAX_PHOTOS,
        }
    return Screen(
        text, keyboard([[button(t._("✅ Done"), pack(actions.Custom.PHOTOS_DONE))], _cancel(t)])
    )


def photo_please(t: Texts) -> Screen:
    """Something else than a photo where photos were asked."""
    return Screen(t._("Please send a photo, or press Done."))


def ask_qty(t: Texts, maximum: int) -> Screen:
    """Third step: how many."""
    return Screen(
        t._("How many do you need? Send a whole number from 1 to %(max)d.") % {"max": maximum},
        keyboard([_cancel(t)]),
    )


def ask_date(t: Texts, earliest: date, latest: date) -> Screen:
    """Fourth step: the wanted date."""
    return Screen(
        t._("When do you need it? Send a date from %(earliest)s to %(latest)s, e.g. %(iso)s.")
        % {"earliest": t.date(earliest), "latest": t.date(latest), "iso": latest.isoformat()},
        keyboard([[button(t._("No particular date"), pack(actions.Custom.NO_DATE))], _cancel(t)]),
    )


def _wanted(t: Texts, wanted: date | None) -> str:
    return t.date(wanted) if wanted else t._("no particular date")


def summary(t: Texts, draft: CustomDraft) -> Screen:
    """Last step: what will be sent."""
    lines = [
        t._("<b>Your custom request</b>"),
        esc(draft.text),
        t._("Quantity: %(qty)d") % {"qty": draft.qty or 0},
        t._("Wanted by: %(date)s") % {"date": _wanted(t, draft.wanted_date)},
        t._("Photos: %(count)d") % {"count": len(draft.photos)},
        t._("Send it to our team for a quote?"),
    ]
    rows = [[button(t._("📨 Send"), pack(actions.Custom.SEND, draft.token))], _cancel(t)]
    return Screen("\n".join(lines), keyboard(rows))


def sent(t: Texts, request: CustomRequest) -> Screen:
    """The request is stored and on its way."""
    return Screen(
        t._("📨 Custom request #%(id)d is sent. Your sales rep will answer with a quote.")
        % {"id": request.id},
        keyboard([[button(t._("↩️ Withdraw"), pack(actions.Custom.WITHDRAW, request.id))]]),
    )


def withdrawn(t: Texts, request: CustomRequest) -> Screen:
    """The customer withdrew the request."""
    return Screen(t._("↩️ Custom request #%(id)d is withdrawn.") % {"id": request.id})


def _details(t: Texts, card: CustomCard) -> list[str]:
    r = card.request
    lines = [
        esc(clip(r.text, 500)),
        t._("Quantity: %(qty)d") % {"qty": r.qty},
        t._("Wanted by: %(date)s") % {"date": _wanted(t, r.wanted_date)},
    ]
    if r.photos:
        lines.append(t._("Photos: %(count)d") % {"count": len(r.photos)})
    return lines


def _quote_lines(t: Texts, r: CustomRequest) -> list[str]:
    if r.unit_price is None or r.valid_until is None:
        return []
    lines = [
        t._("Price: %(unit)s × %(qty)d = %(total)s")
        % {"unit": t.money(r.unit_price), "qty": r.qty, "total": t.money(r.total)},
        t._("Lead time: %(days)d days") % {"days": r.lead_days or 0},
        t._("Valid until: %(date)s") % {"date": t.date(r.valid_until)},
    ]
    if r.rep_note:
        lines.append(esc(r.rep_note))
    return lines


STATE_LABELS = {
    CustomState.OPEN: "🆕",
    CustomState.QUOTED: "💬",
    CustomState.ACCEPTED: "✅",
    CustomState.DECLINED: "✖️",
    CustomState.WITHDRAWN: "↩️",
}


def staff_card(t: Texts, card: CustomCard, head: str | None = None) -> Screen:
    """The request as its rep sees it, with Quote and Ask while it is open or quoted."""
    r = card.request
    lines = [head] if head else []
    lines.append(
        t._("%(state)s <b>Custom request #%(id)d</b> from %(customer)s")
        % {"state": STATE_LABELS[r.state], "id": r.id, "customer": esc(card.customer_name)}
    )
    lines += _details(t, card)
    for message in card.messages[-4:]:
        who = t._("❓ Asked") if message.kind == "question" else t._("↩️ Answered")
        lines.append(f"{who}: {esc(clip(message.text, 200))}")
    lines += _quote_lines(t, r)
    if card.order_number:
        lines.append(t._("Order: %(number)s") % {"number": card.order_number})
    rows = []
    if r.state in (CustomState.OPEN, CustomState.QUOTED):
        rows.append(
            [
                button(t._("💬 Quote"), pack(actions.CustomQuote.QUOTE, r.id)),
                button(t._("❓ Ask"), pack(actions.CustomQuote.ASK, r.id)),
            ]
        )
    text = "\n".join(lines)
    photo = r.photos[0] if r.photos and len(text) <= CAPTION_LIMIT else None
    return Screen(text, keyboard(rows), photo=photo)


def answer_notice(t: Texts, card: CustomCard, text: str) -> Screen:
    """The customer's answer, to the rep, with the request."""
    head = t._("↩️ <b>%(customer)s answered</b>: %(text)s") % {
        "customer": esc(card.customer_name),
        "text": esc(clip(text, 500)),
    }
    return staff_card(t, card, head)


def decided_notice(t: Texts, card: CustomCard) -> Screen:
    """The customer accepted (with the order made) or declined the quote, or withdrew."""
    if card.request.state is CustomState.ACCEPTED:
        head = t._("✅ The quote was accepted.")
    elif card.request.state is CustomState.WITHDRAWN:
        head = t._("↩️ The customer withdrew the request.")
    else:
        head = t._("✖️ The quote was declined.")
    return staff_card(t, card, head)


def quote_notice(t: Texts, card: CustomCard) -> Screen:
    """The quote, to the customer, with Accept and Decline."""
    r = card.request
    lines = [
        t._("💬 <b>Quote for your custom request #%(id)d</b>") % {"id": r.id},
        *_details(t, card),
        *_quote_lines(t, r),
    ]
    rows = [
        [
            button(t._("✅ Accept"), pack(actions.Custom.ACCEPT, r.id, r.unit_price or 0)),
            button(t._("✖️ Decline"), pack(actions.Custom.DECLINE, r.id)),
        ]
    ]
    return Screen("\n".join(lines), keyboard(rows))


def question_notice(t: Texts, card: CustomCard, text: str) -> Screen:
    """The rep's question, to the customer, with Answer."""
    lines = [
        t._("❓ <b>A question about your custom request #%(id)d</b>") % {"id": card.request.id},
        esc(text),
    ]
    rows = [[button(t._("↩️ Answer"), pack(actions.Custom.ANSWER, card.request.id))]]
    return Screen("\n".join(lines), keyboard(rows))


def ask_answer(t: Texts) -> Screen:
    """The customer is to type their answer."""
    return Screen(t._("Type your answer:"), keyboard([_cancel(t)]))


def answered(t: Texts) -> Screen:
    """The answer is on its way to the rep."""
    return Screen(t._("↩️ Your answer is sent to your sales rep."))


def declined(t: Texts, request: CustomRequest) -> Screen:
    """The customer declined the quote."""
    return Screen(t._("✖️ You declined the quote for custom request #%(id)d.") % {"id": request.id})


def ask_price(t: Texts, card: CustomCard) -> Screen:
    """The rep's first quote step: the unit price."""
    lines = staff_card(t, card).text.split("\n")
    lines.append(
        t._("💬 Unit price for %(qty)d units? Send an amount like 120.50.")
        % {"qty": card.request.qty}
    )
    return Screen(
        "\n".join(lines), keyboard([[button(t._("✖️ Cancel"), pack(actions.CustomQuote.CANCEL))]])
    )


def ask_lead(t: Texts) -> Screen:
    """The lead time in days."""
    return Screen(t._("Lead time in days (1 to 365)?"))


def ask_valid(t: Texts, earliest: date, latest: date) -> Screen:
    """Until when the quote may be accepted."""
    return Screen(
        t._("Valid until which date? From %(earliest)s to %(latest)s, e.g. %(iso)s.")
        % {"earliest": t.date(earliest), "latest": t.date(latest), "iso": earliest.isoformat()}
    )


def quoted(t: Texts, request: CustomRequest) -> Screen:
    """The quote is recorded and on its way."""
    return Screen(
        "\n".join(
            [
                t._("💬 Quote for custom request #%(id)d sent to the customer.")
                % {"id": request.id},
                *_quote_lines(t, request),
            ]
        )
    )


def ask_question(t: Texts) -> Screen:
    """The rep is to type a question."""
    return Screen(
        t._("❓ Type your question to the customer:"),
        keyboard([[button(t._("✖️ Cancel"), pack(actions.CustomQuote.CANCEL))]]),
    )


def asked(t: Texts) -> Screen:
    """The question is on its way."""
    return Screen(t._("❓ Your question is sent to the customer."))
