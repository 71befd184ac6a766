"""Staff's view of one order: the full view with money and history, or the warehouse's."""

from __future__ import annotations

from bot.config import Config
from bot.domain.audit import AuditAction
from bot.domain.models import AuditEntry, Order, OrderStatus
from bot.domain.order_filter import OrderFilter
from bot.i18n import N_, Texts
from bot.services.staff_orders import FoundOrders, Lens, StaffOrderView
from bot.ui import actions, labels
from bot.ui.approval_views import customer_name
from bot.ui.callbacks import BadCallback, Callback, day_arg, pack
from bot.ui.finance_views import money_lines
from bot.ui.screen import Screen, button, clip, esc, fit, keyboard, nav_row
from bot.ui.shipping_views import shipment_line

ACTIONS: dict[AuditAction | str, str] = {
    AuditAction.SHIPMENT: N_("shipment recorded"),
    AuditAction.PAYMENT: N_("payment recorded"),
    AuditAction.INVOICED: N_("invoice issued"),
    AuditAction.CANCEL_REQUESTED: N_("cancellation asked"),
    AuditAction.ESCALATED: N_("escalated to managers"),
    AuditAction.REFUND_DUE: N_("refund due"),
    AuditAction.REFUND: N_("refund paid"),
    AuditAction.CREDIT_NOTE: N_("credit note issued"),
    AuditAction.DENIED: N_("refused action"),
    AuditAction.BATCH: N_("placed in a batch upload"),
    AuditAction.RATED: N_("rated by the customer"),
}


def _entry(t: Texts, e: AuditEntry, lens: Lens, shipments: dict[str, int]) -> str:
    """One line of history; a shipment by its number in the order (the log holds its id)."""
    who = esc(e.actor) if e.actor else t._("system")
    if e.action is AuditAction.STATUS and e.after:
        what = labels.status(t, OrderStatus(e.after))
    else:
        what = t._(ACTIONS.get(e.action, e.action))
        after = e.after
        if e.action is AuditAction.SHIPMENT and after in shipments:
            after = str(shipments[after])
        if after and (lens is Lens.FULL or e.action is not AuditAction.PAYMENT):
            what += f" ({esc(clip(after, 40))})"
    line = f"{t.datetime(e.at)} · {who}: {what}"
    if e.reason:
        line += f" — {esc(clip(e.reason, 80))}"
    return line


def ask_cancel_reason(t: Texts, order: Order) -> Screen:
    """Staff cancelling an approved order for its customer: why (the customer reads it)."""
    return Screen(
        t._(
            "Why is order %(number)s cancelled? The customer will read it (2 to 300 "
            "characters). /cancel keeps the order."
        )
        % {"number": order.number}
    )


def confirm_cancel(t: Texts, order: Order, reason: str) -> Screen:
    """Once more before an approved order is cancelled for good."""
    text = t._("Cancel order %(number)s for good? Reason: %(reason)s") % {
        "number": order.number,
        "reason": esc(reason),
    }
    rows = [
        [button(t._("Yes, cancel it"), pack(actions.Staff.CANCEL_CONFIRMED, order.id))],
        [button(t._("No, keep it"), pack(actions.Staff.CANCEL_KEPT, order.id))],
    ]
    return Screen(text, keyboard(rows))


def cancelled_for(t: Texts, order: Order) -> Screen:
    """What staff see once they cancelled an order for its customer."""
    text = t._("✖️ Order %(number)s is cancelled; the customer and the warehouse are told.") % {
        "number": order.number
    }
    if order.refund_due:
        text += "\n" + t._("To pay back: %(amount)s (finance is told).") % {
            "amount": t.money(order.refund_due)
        }
    return Screen(text)


def view(t: Texts, config: Config, value: StaffOrderView) -> Screen:
    """The order as this person's role may see it."""
    o, c = value.detail.order, value.customer
    head = [
        t._("<b>Order %(number)s</b> from %(customer)s")
        % {"number": o.number, "customer": esc(c.name)},
        t._("Status: %(status)s") % {"status": labels.status(t, o.status)},
    ]
    if o.address:
        head.append(t._("Address: %(value)s") % {"value": esc(o.address)})
    if o.note:  # door codes and delivery times: the warehouse's business too
        head.append(t._("Note: %(value)s") % {"value": esc(o.note)})
    if value.lens is Lens.FULL:
        head.append(t._("Phone: %(value)s") % {"value": esc(c.phone)})
        head += money_lines(t, o, value.money, config)
        if value.invoice:
            head.append(t._("Invoice: %(value)s") % {"value": value.invoice})
        items = [
            labels.priced_item(t, x.name, x.qty, x.unit, x.unit_price) for x in value.detail.lines
        ]
    else:
        items = [
            labels.shipped_item(t, x.sku, x.name, x.qty, x.shipped_qty, x.unit)
            for x in value.detail.lines
        ]
    tail = [shipment_line(t, s) for s in value.shipments]
    numbers = {str(s.id): s.number for s in value.shipments}
    tail += [
        "",
        t._("<b>History</b>"),
        *[_entry(t, e, value.lens, numbers) for e in value.history],
    ]
    # The warehouse can always mark a shipment delivered from here, even when the pick list
    # that had the button is gone (a restart in the middle of recording the shipment).
    rows = [
        [
            button(
                t._("📬 Delivered: shipment %(n)d") % {"n": s.number},
                pack(actions.Delivery.DELIVERED, s.id),
            )
        ]
        for s in value.shipments
        if value.lens is Lens.GOODS and s.delivered_at is None
    ]
    if value.may_cancel:
        rows.append([button(t._("✖️ Cancel the order"), pack(actions.Staff.CANCEL, o.id))])
    return Screen(
        fit("\n".join(head) + "\n", items, "\n".join(tail), t._("… and %(n)d more lines")),
        keyboard(rows),
    )


# /orders for staff: the filter travels in the page buttons, `sol:p:<page>:<late 0|1>:<status
# index or ->:<from>:<to>:<customer words>` (the words hold no colon: parse_order_filter
# refuses one, and at most 24 bytes of them: WORDS_MAX_BYTES).
STATUSES = list(OrderStatus)
FILTER_HELP = N_(
    "Filters: part of a customer's name, company or phone; status:approved (submitted, "
    "approved, rejected, partially_shipped, shipped, delivered, completed, cancelled); "
    "from:2026-11-01 to:2026-11-30 (the days it was submitted); late (past its promised ship "
    "date or the desired date). Example: /orders acme status:shipped late"
)


def filter_help(t: Texts) -> Screen:
    """How to look for orders with /orders."""
    return Screen(t._(FILTER_HELP))


def page_data(found: OrderFilter, page: int) -> str:
    """The callback data of one page of a filter's orders."""
    status = str(STATUSES.index(found.status)) if found.status else "-"
    return pack(
        actions.StaffOrders.PAGE,
        page,
        int(found.late),
        status,
        day_arg(found.start),
        day_arg(found.end),
        found.words or "",
    )


def filter_of(cb: Callback) -> tuple[OrderFilter, int]:
    """The filter and page a page button carries (BadCallback if it is not one of ours)."""
    status = cb.text(2)
    if status != "-" and not (status.isascii() and status.isdigit()):
        raise BadCallback(status)
    if status != "-" and int(status) >= len(STATUSES):
        raise BadCallback(status)
    words = ":".join(cb.args[5:])
    if ":" in words:
        raise BadCallback("words with a colon")
    found = OrderFilter(
        words=words or None,
        status=STATUSES[int(status)] if status != "-" else None,
        start=cb.day(3),
        end=cb.day(4),
        late=bool(cb.number(1, high=1)),
    )
    return found, cb.number(0, high=100_000)


def _describe(t: Texts, found: OrderFilter) -> str:
    parts = []
    if found.words:
        parts.append(f"“{esc(found.words)}”")
    if found.status:
        parts.append(labels.status(t, found.status))
    if found.start or found.end:
        parts.append(
            f"{t.date(found.start) if found.start else '…'} – "
            f"{t.date(found.end) if found.end else '…'}"
        )
    if found.late:
        parts.append(t._("late"))
    return ", ".join(parts) if parts else t._("all orders")


def order_list(t: Texts, value: FoundOrders) -> Screen:
    """A page of the orders staff looked for: each with status, customer, total (only where
    the lens shows money) and day; a button opens it."""
    page, found = value.page, value.found
    head = t._("🔎 Orders: %(filter)s") % {"filter": _describe(t, found)}
    if not page.total:
        return Screen("\n".join([head, t._("No orders match."), "", t._(FILTER_HELP)]))
    lines = [
        head,
        t.ngettext("%(n)d order, newest first:", "%(n)d orders, newest first:", page.total)
        % {"n": page.total},
    ]
    rows = []
    for item in page.items:
        o = item.order
        line = (
            f"{labels.status(t, o.status)} <b>{o.number}</b> · "
            f"{customer_name(item.customer.name, item.customer.company, 30)}"
        )
        if item.lens is Lens.FULL:
            line += f" · {t.money(o.totals.total)}"
        lines.append(f"{line} · {t.date(o.submitted_at.astimezone(t.zone).date())}")
        rows.append(
            [
                button(
                    f"{o.number} · {clip(item.customer.name, 24)}", pack(actions.Staff.ORDER, o.id)
                )
            ]
        )
    rows.append(nav_row(page.page, page.pages, lambda n: page_data(found, n)))
    return Screen("\n".join(lines), keyboard(rows))
