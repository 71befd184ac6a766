"""Staff's view of one order: the full view with money and history, or the warehouse's."""

from __future__ import annotations

from bot.config import Config
from bot.domain.models import AuditEntry, OrderStatus
from bot.i18n import N_, Texts
from bot.services.staff_orders import Lens, StaffOrderView
from bot.ui import labels
from bot.ui.callbacks import pack
from bot.ui.finance_views import money_lines
from bot.ui.screen import Screen, button, clip, esc, fit, keyboard
from bot.ui.shipping_views import shipment_line

ACTIONS = {
    "shipment": N_("shipment recorded"),
    "payment": N_("payment recorded"),
    "invoiced": N_("invoice issued"),
    "cancel_requested": N_("cancellation asked"),
    "escalated": N_("escalated to managers"),
    "refund_due": N_("refund due"),
    "refund": N_("refund paid"),
    "credit_note": N_("credit note issued"),
    "denied": N_("refused action"),
    "batch": N_("placed in a batch upload"),
    "rated": N_("rated by the customer"),
}


def _entry(t: Texts, e: AuditEntry, lens: Lens, shipments: dict[str, int]) -> str:
    """One line of history; a shipment by its number in the order (the log holds its id)."""
    who = esc(e.actor) if e.actor else t._("system")
    if e.action == "status" and e.after:
        what = labels.status(t, OrderStatus(e.after))
    else:
        what = t._(ACTIONS.get(e.action, e.action))
        after = e.after
        if e.action == "shipment" and after in shipments:
            after = str(shipments[after])
        if after and (lens is Lens.FULL or e.action != "payment"):
            what += f" ({esc(clip(after, 40))})"
    line = f"{t.datetime(e.at)} · {who}: {what}"
    if e.reason:
        line += f" — {esc(clip(e.reason, 80))}"
    return line


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
            t._("• %(name)s — %(qty)d × %(price)s")
            % {"name": esc(clip(x.name, 60)), "qty": x.qty, "price": t.money(x.unit_price)}
            for x in value.detail.lines
        ]
    else:
        items = [
            t._("• %(sku)s %(name)s — %(qty)d (shipped %(shipped)d)")
            % {
                "sku": esc(x.sku),
                "name": esc(clip(x.name, 50)),
                "qty": x.qty,
                "shipped": x.shipped_qty,
            }
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
        [button(t._("📬 Delivered: shipment %(n)d") % {"n": s.number}, pack("dlv", "w", s.id))]
        for s in value.shipments
        if value.lens is Lens.GOODS and s.delivered_at is None
    ]
    return Screen(
        fit("\n".join(head) + "\n", items, "\n".join(tail), t._("… and %(n)d more lines")),
        keyboard(rows),
    )
