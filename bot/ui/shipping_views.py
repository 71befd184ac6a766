"""Screens of fulfilment: the warehouse's queue and pick list (no prices), shipment notices."""

from __future__ import annotations

from datetime import date, timedelta

from bot.config import Config
from bot.domain.models import Order, OrderLine, Shipment
from bot.i18n import Texts
from bot.services.fulfilment import PickList
from bot.ui import actions, labels
from bot.ui.callbacks import day_arg, pack
from bot.ui.screen import Screen, button, clip, esc, fit, keyboard

DATE_BUTTONS = 6


def queue(t: Texts, orders: list[Order]) -> Screen:
    """Approved orders waiting to ship, oldest first."""
    if not orders:
        return Screen(t._("Nothing to ship right now."))
    rows = [
        [button(f"{labels.STATUS_ICON[o.status]} {o.number}", pack(actions.Ship.ORDER, o.id))]
        for o in orders
    ]
    return Screen(t._("📦 <b>To ship</b>, oldest first:"), keyboard(rows))


def pick_list(
    t: Texts,
    config: Config,
    value: PickList,
    *,
    notice: bool = False,
    changed: bool = False,
    cancelled: bool = False,
) -> Screen:
    """Goods, quantities, address and dates of an order: what the warehouse needs, no money
    (as a notice: a new order to pick, or one it has that was `changed` or `cancelled`)."""
    o = value.order
    method = config.delivery_method(o.delivery_method)
    head = [
        t._("<b>Pick list %(number)s</b> for %(customer)s")
        % {"number": o.number, "customer": esc(value.customer_name)},
        t._("Phone: %(value)s") % {"value": esc(value.customer_phone)},
        t._("Status: %(status)s") % {"status": labels.status(t, o.status)},
        t._("Delivery: %(value)s")
        % {"value": esc(method.name(t.language) if method else o.delivery_method)},
    ]
    if o.address:
        head.append(t._("Address: %(value)s") % {"value": esc(o.address)})
    if o.note:
        head.append(t._("Note: %(value)s") % {"value": esc(o.note)})
    if o.desired_date:
        head.append(t._("Desired date: %(value)s") % {"value": t.date(o.desired_date)})
    if notice and cancelled:
        head.insert(0, t._("⛔ This order is cancelled: do not pick or ship it."))
    elif notice and changed:
        head.insert(0, t._("✏️ This order was changed: pick it as it stands now."))
    elif notice:
        head.insert(0, t._("🆕 An approved order is ready to pick."))
    items = [
        labels.shipped_item(t, x.sku, x.name, x.qty, x.shipped_qty, x.unit) for x in value.lines
    ]
    tail = [shipment_line(t, s) for s in value.shipments]
    text = fit("\n".join(head) + "\n", items, "\n".join(tail), t._("… and %(n)d more lines"))
    rows = []
    if any(x.remaining for x in value.lines) and o.status.value in (
        "approved",
        "partially_shipped",
    ):
        rows.append(
            [button(t._("🚚 Ship"), pack(actions.Ship.ORDER, o.id, "p"))]
        )  # p: on its pick list
        rows += [
            [
                button(
                    t._("⚠️ Short: %(sku)s") % {"sku": clip(x.sku, 20)},
                    pack(actions.Shortage.REPORT, x.id),
                )
            ]
            for x in value.lines
            if x.remaining
        ][:8]
    for s in value.shipments:
        if s.delivered_at is None:
            rows.append(
                [
                    button(
                        t._("📬 Delivered: shipment %(n)d") % {"n": s.number},
                        pack(actions.Delivery.DELIVERED, s.id),
                    )
                ]
            )
    return Screen(text, keyboard(rows))


def shipment_line(t: Texts, s: Shipment) -> str:
    """A shipment in one line: carrier, tracking, when, delivered or expected."""
    text = t._("Shipment %(n)d: %(carrier)s, tracking %(tracking)s") % {
        "n": s.number,
        "carrier": esc(t.carrier(s.carrier)),
        "tracking": esc(s.tracking or "—"),
    }
    if s.delivered_at:
        return text + " — " + t._("delivered %(when)s") % {"when": t.datetime(s.delivered_at)}
    if s.expected_date:
        return text + " — " + t._("expected %(day)s") % {"day": t.date(s.expected_date)}
    return text


def to_customer_delivered(t: Texts, order: Order, s: Shipment, whole: bool) -> Screen:
    """The customer's notice that the warehouse marked a shipment delivered (`whole`: and with
    it the whole order)."""
    if whole:
        head = t._("📬 Your order <b>%(number)s</b> is delivered.")
    else:
        head = t._("📬 Part of your order <b>%(number)s</b> is delivered.")
    return Screen(_shipment_text(t, head % {"number": order.number}, s))


def _shipment_text(t: Texts, head: str, s: Shipment) -> str:
    """A head, then what a shipment holds (as many lines as fit) and its carrier line."""
    items = [f"• {esc(clip(name, 60))} — {qty}" for _, name, qty in s.lines]
    return fit(head, items, shipment_line(t, s), t._("… and %(n)d more lines"))


def recorded(t: Texts, order: Order, s: Shipment) -> Screen:
    """The end of the shipment dialog: what was recorded (the pick list above is refreshed)."""
    head = t._("✅ Shipment recorded for order <b>%(number)s</b>; the customer is told.") % {
        "number": order.number
    }
    return Screen(_shipment_text(t, head, s))


def choose_quantities(t: Texts, lines: list[OrderLine], chosen: dict[int, int]) -> Screen:
    """Units of each line in this shipment, with − and + buttons."""
    rows = []
    for x in lines:
        if not x.remaining:
            continue
        q = chosen.get(x.id, 0)
        rows.append(
            [
                button("−", pack(actions.Ship.QUANTITY, x.id, "dn")),
                button(
                    f"{clip(x.sku, 16)} {q}/{x.remaining}",
                    pack(actions.Ship.QUANTITY, x.id, "all"),
                ),
                button("+", pack(actions.Ship.QUANTITY, x.id, "up")),
            ]
        )
    rows.append([button(t._("Next ➡"), pack(actions.Ship.NEXT))])
    rows.append([button(t._("✖️ Cancel"), pack(actions.Ship.CANCEL))])
    return Screen(
        t._("Which goods leave in this shipment? (units / still to ship)"), keyboard(rows)
    )


def carrier_step(t: Texts, carriers: list[str]) -> Screen:
    """Pick a carrier or type one."""
    rows = [[button(t.carrier(c), pack(actions.Ship.CARRIER, i))] for i, c in enumerate(carriers)]
    rows.append([button(t._("✖️ Cancel"), pack(actions.Ship.CANCEL))])
    return Screen(t._("Carrier? Press one or type its name."), keyboard(rows))


def tracking_step(t: Texts) -> Screen:
    """Type the tracking number or go without."""
    rows = [
        [button(t._("No tracking number"), pack(actions.Ship.NO_TRACKING))],
        [button(t._("✖️ Cancel"), pack(actions.Ship.CANCEL))],
    ]
    return Screen(t._("Tracking number?"), keyboard(rows))


def expected_step(t: Texts, today: date) -> Screen:
    """Expected delivery date."""
    days = [today + timedelta(n) for n in range(1, DATE_BUTTONS + 1)]
    buttons = [button(t.weekday_date(d), pack(actions.Ship.EXPECTED, day_arg(d))) for d in days]
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    rows.append([button(t._("Not known"), pack(actions.Ship.EXPECTED, day_arg(None)))])
    return Screen(t._("Expected delivery date? Press a day or type a date."), keyboard(rows))


def confirm(
    t: Texts,
    lines: list[OrderLine],
    chosen: dict[int, int],
    carrier: str,
    tracking: str | None,
    expected: date | None,
) -> Screen:
    """The shipment to record, asking once more (it cannot be undone)."""
    items = [
        f"• {esc(x.sku)} {esc(clip(x.name, 50))} — {chosen[x.id]}"
        for x in lines
        if chosen.get(x.id)
    ]
    tail = "\n".join(
        [
            t._("Carrier: %(value)s") % {"value": esc(t.carrier(carrier))},
            t._("Tracking: %(value)s") % {"value": esc(tracking or "—")},
            t._("Expected: %(value)s") % {"value": t.date(expected) if expected else "—"},
        ]
    )
    text = fit(
        t._("<b>Record this shipment?</b> It cannot be undone."),
        items,
        tail,
        t._("… and %(n)d more lines"),
    )
    rows = [
        [button(t._("✅ Record shipment"), pack(actions.Ship.CONFIRM))],
        [button(t._("✖️ Cancel"), pack(actions.Ship.CANCEL))],
    ]
    return Screen(text, keyboard(rows))


def to_customer_shipped(t: Texts, order: Order, s: Shipment) -> Screen:
    """The customer's shipment notice, with tracking and a Received button."""
    head = t._("🚚 Your order <b>%(number)s</b> is on its way.") % {"number": order.number}
    if order.status.value == "partially_shipped":
        head = t._("🚚 Part of your order <b>%(number)s</b> is on its way.") % {
            "number": order.number
        }
    rows = [[button(t._("✅ I received it"), pack(actions.Delivery.RECEIVED, s.id))]]
    return Screen(_shipment_text(t, head, s), keyboard(rows))
