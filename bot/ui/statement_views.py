"""Screens of /statement: whose, the statement of a period with its buttons (periods, PDF,
XLSX), and the captions of its files; the entry names the PDF and the spreadsheet share."""

from __future__ import annotations

from enum import StrEnum

from telegram import InlineKeyboardButton

from bot.domain.models import Customer
from bot.domain.payments import Method
from bot.domain.reports import Period
from bot.domain.statement import EntryKind, Movement, Presets
from bot.i18n import N_, Texts, fill
from bot.services.statements import StatementView
from bot.ui import actions
from bot.ui.callbacks import day_arg, pack
from bot.ui.finance_views import METHODS
from bot.ui.report_views import period_label
from bot.ui.screen import TEXT_LIMIT, Screen, button, clip, esc, keyboard

# Entries shown in the chat at most (the newest); the files hold them all.
MAX_SHOWN = 30
PRESETS = (
    (Presets.THIS_MONTH, N_("This month")),
    (Presets.LAST_MONTH, N_("Last month")),
    (Presets.THIS_YEAR, N_("This year")),
)
# The columns of the PDF and the spreadsheet.
HEADINGS = (N_("Date"), N_("Entry"), N_("Order"), N_("Debit"), N_("Credit"), N_("Balance"))
ICONS = {
    EntryKind.INVOICE: "🧾",
    EntryKind.DEBIT_NOTE: "➕",
    EntryKind.CREDIT_NOTE: "➖",
    EntryKind.PAYMENT: "💰",
    EntryKind.REFUND: "↩️",
}


class FileFormat(StrEnum):
    """The statement as a file."""

    PDF = "pdf"
    XLSX = "xlsx"


def entry_name(t: Texts, entry: Movement) -> str:
    """What an entry is: "Invoice INV-…", "Credit note CN-…", "Payment (Bank transfer)"."""
    known = entry.method in Method._value2member_map_
    method = t._(METHODS[Method(entry.method or "")]) if known else ""
    document = entry.document or ""
    if entry.kind is EntryKind.INVOICE:
        return t._("Invoice %(document)s") % {"document": document}
    if entry.kind is EntryKind.DEBIT_NOTE:
        return t._("Debit note %(document)s") % {"document": document}
    if entry.kind is EntryKind.CREDIT_NOTE:
        return t._("Credit note %(document)s") % {"document": document}
    if entry.kind is EntryKind.PAYMENT:
        return t._("Payment (%(method)s)") % {"method": method} if method else t._("Payment")
    return t._("Refund (%(method)s)") % {"method": method} if method else t._("Refund")


def signed(t: Texts, amount: int) -> str:
    """An amount with its sign: +CN¥10.00, −CN¥10.00."""
    return ("+" if amount >= 0 else "−") + t.money(abs(amount))


def balance_text(t: Texts, balance: int, own: bool) -> str:
    """What a balance means to the reader: who owes whom, or settled."""
    values = {"amount": t.money(abs(balance))}
    if balance > 0:
        return (t._("you owe %(amount)s") if own else t._("the customer owes %(amount)s")) % values
    if balance < 0:
        return (
            t._("%(amount)s in your favour") if own else t._("%(amount)s in the customer's favour")
        ) % values
    return t._("settled")


def file_name(view: StatementView, fmt: FileFormat) -> str:
    """statement-7-20261101-20261130.pdf"""
    s = view.statement
    return f"statement-{view.customer.id}-{s.start:%Y%m%d}-{s.end:%Y%m%d}.{fmt.value}"


def customer_label(customer: Customer) -> str:
    """A customer's name, and company if any (plain text)."""
    return customer.name + (f" · {customer.company}" if customer.company else "")


def ask_customer(t: Texts) -> Screen:
    """Staff name the customer."""
    return Screen(
        t._(
            "📒 Whose statement of account? Send part of the customer's name, company or "
            "phone. /cancel to stop."
        )
    )


def nobody_found(t: Texts) -> Screen:
    """No customer by the name typed."""
    return Screen(t._("No customer found. Send another name, or /cancel."))


def found(t: Texts, customers: tuple[Customer, ...], period: Period) -> Screen:
    """The customers found, a button each (their statement for this month)."""
    start, end = day_arg(period.start), day_arg(period.end)
    rows = [
        [button(clip(customer_label(c), 60), pack(actions.Statement.VIEW, c.id, start, end))]
        for c in customers
    ]
    return Screen(t._("📒 Whose statement of account?"), keyboard(rows))


def ask_dates(t: Texts) -> Screen:
    """The period, typed."""
    return Screen(
        t._(
            "Send the first and the last day, e.g. 2026-11-01 2026-11-30 "
            "(at most a year). /cancel to stop."
        )
    )


def _line(t: Texts, entry: Movement, balance: int) -> str:
    return t._("%(day)s · %(icon)s %(entry)s, %(order)s: %(change)s → %(balance)s") % {
        "day": t.date(entry.day),
        "icon": ICONS[entry.kind],
        "entry": entry_name(t, entry),
        "order": entry.order_number,
        "change": signed(t, entry.change),
        "balance": t.money(balance),
    }


def _newest(t: Texts, items: list[str], room: int) -> list[str]:
    """The newest entries that fit in `room` characters (at most MAX_SHOWN), and a line
    counting the earlier ones left out."""
    shown: list[str] = []
    for item in reversed(items):
        if len(shown) == MAX_SHOWN or room - len(item) - 1 < 0:
            break
        shown.insert(0, item)
        room -= len(item) + 1
    left = len(items) - len(shown)
    if not left:
        return shown
    more = t.ngettext(
        "… %(n)d earlier entry not shown: the PDF and the spreadsheet have every entry.",
        "… %(n)d earlier entries not shown: the PDF and the spreadsheet have every entry.",
        left,
    ) % {"n": left}
    return [more, *shown]


def statement(t: Texts, view: StatementView, presets: dict[Presets, Period]) -> Screen:
    """The statement in the chat: opening, the newest entries with the balance after each,
    closing; buttons for other periods and for the PDF and the spreadsheet."""
    s, c = view.statement, view.customer
    head = [
        t._("📒 <b>Statement of account</b>: %(customer)s") % {"customer": esc(customer_label(c))},
        period_label(t, Period(s.start, s.end)),
        "",
        t._("Opening balance: %(amount)s") % {"amount": t.money(s.opening)},
    ]
    tail = [
        t._("Closing balance: %(amount)s — %(meaning)s")
        % {"amount": t.money(s.closing), "meaning": balance_text(t, s.closing, view.own)}
    ]
    if s.lines:
        tail.insert(
            0,
            t._("In the period: %(debits)s charged, %(credits)s paid or credited")
            % {"debits": t.money(s.debits), "credits": t.money(s.credits)},
        )
    items = [_line(t, line.entry, line.balance) for line in s.lines]
    if not items:
        items = [t._("No entries in this period.")]
    room = TEXT_LIMIT - len("\n".join(head + tail)) - 200
    text = "\n".join([*head, *_newest(t, items, room), "", *tail])
    return Screen(text, keyboard(_buttons(t, view, presets)))


def _buttons(
    t: Texts, view: StatementView, presets: dict[Presets, Period]
) -> list[list[InlineKeyboardButton]]:
    cid, s = view.customer.id, view.statement
    start, end = day_arg(s.start), day_arg(s.end)
    return [
        [
            button(t._(label), pack(actions.Statement.VIEW, cid, day_arg(p.start), day_arg(p.end)))
            for p, label in ((presets[k], label) for k, label in PRESETS)
        ],
        [button(t._("🗓 Other dates…"), pack(actions.Statement.OTHER_DATES, cid))],
        [
            button(
                t._("📄 PDF"), pack(actions.Statement.FILE, cid, start, end, FileFormat.PDF.value)
            ),
            button(
                t._("📊 Excel (XLSX)"),
                pack(actions.Statement.FILE, cid, start, end, FileFormat.XLSX.value),
            ),
        ],
    ]


def file_caption(t: Texts, view: StatementView) -> str:
    """What a statement file holds: whose, which period, the closing balance."""
    s = view.statement
    template = t._(
        "📒 Statement of account: %(customer)s, %(period)s. Closing balance: %(amount)s"
    )
    return fill(
        template,
        {
            "customer": esc(customer_label(view.customer)),
            "period": period_label(t, Period(s.start, s.end)),
            "amount": t.money(s.closing),
        },
    )


def monthly_caption(t: Texts, view: StatementView) -> str:
    """The monthly statement's caption to its customer."""
    s = view.statement
    text = fill(
        t._("📒 Your statement of account for %(period)s."),
        {"period": period_label(t, Period(s.start, s.end))},
    )
    closing = t._("Closing balance: %(amount)s — %(meaning)s") % {
        "amount": t.money(s.closing),
        "meaning": balance_text(t, s.closing, True),
    }
    return "\n".join([text, closing, t._("Send /statement to see your account at any time.")])
