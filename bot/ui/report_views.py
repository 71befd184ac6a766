"""Screens of /report: the period, the menu of views, and each view's figures."""

from __future__ import annotations

from datetime import timedelta

from babel.dates import format_timedelta
from babel.numbers import format_decimal, format_percent
from telegram import InlineKeyboardButton

from bot.domain.reports import SHORT_REASON, CancelStage, DurationStats, Period, Ratio
from bot.i18n import N_, Texts
from bot.services.reports import BySalesRep, Kpis, Ratings, SalesByDay, Top
from bot.ui import actions
from bot.ui.callbacks import day_arg, pack
from bot.ui.finance_views import BUCKETS
from bot.ui.screen import Screen, button, clip, esc, fit, keyboard

VIEWS = (
    ("s", N_("📈 Sales by day (chart)")),
    ("t", N_("🏆 Top products and customers")),
    ("r", N_("👥 Sales by rep")),
    ("k", N_("📊 KPIs")),
    ("f", N_("⭐ Ratings")),
)
STAGES = {
    CancelStage.BEFORE_APPROVAL: N_("by the customer before approval"),
    CancelStage.AFTER_APPROVAL: N_("on request after approval"),
    CancelStage.SHORT: N_("nothing left to ship"),
}


def period_label(t: Texts, period: Period) -> str:
    """One day, or the first and the last day."""
    if period.start == period.end:
        return t.date(period.start)
    return t._("%(start)s – %(end)s") % {"start": t.date(period.start), "end": t.date(period.end)}


def percent(t: Texts, ratio: Ratio) -> str:
    """A rate as a percentage, or a dash when there was nothing to count."""
    rate = ratio.rate
    return "—" if rate is None else format_percent(rate, "#,##0.#%", locale=t.locale)


def duration(t: Texts, value: timedelta | None) -> str:
    """A duration to the minute, in its two largest units: "1 day 15 hr", "2 hr 18 min"."""
    if value is None:
        return "—"
    minutes = round(value.total_seconds() / 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [
        timedelta(days=days),
        timedelta(hours=hours),
        timedelta(minutes=mins),
    ]
    shown = [p for p in parts if p][:2] or [timedelta()]
    return " ".join(
        format_timedelta(p, format="short", threshold=1, granularity="minute", locale=t.locale)
        for p in shown
    )


def periods(t: Texts) -> Screen:
    """Which period to report on."""
    rows = [
        [
            button(t._("Today"), pack(actions.Report.PERIOD, "today")),
            button(t._("This week"), pack(actions.Report.PERIOD, "week")),
            button(t._("This month"), pack(actions.Report.PERIOD, "month")),
        ],
        [button(t._("🗓 Other dates…"), pack(actions.Report.OTHER_DATES))],
    ]
    return Screen(t._("📊 <b>Report</b>: which period?"), keyboard(rows))


def menu_keyboard(t: Texts, period: Period) -> list[list[InlineKeyboardButton]]:
    """The views of a period as buttons, and a way back to the periods."""
    start, end = day_arg(period.start), day_arg(period.end)
    rows = [
        [button(t._(label), pack(actions.Report.VIEW, view, start, end))] for view, label in VIEWS
    ]
    rows.append([button(t._("🗓 Another period"), pack(actions.Report.HOME))])
    return rows


def menu(t: Texts, period: Period) -> Screen:
    """What to show for the period."""
    text = t._("📊 <b>Report for %(period)s</b>: what would you like to see?") % {
        "period": period_label(t, period)
    }
    return Screen(text, keyboard(menu_keyboard(t, period)))


def ask_dates(t: Texts) -> Screen:
    """The custom period, typed."""
    return Screen(
        t._(
            "Send the first and the last day of the period, e.g. 2026-11-01 2026-11-23 "
            "(or one day). /cancel to stop."
        )
    )


def sales_caption(t: Texts, value: SalesByDay) -> Screen:
    """The caption under the chart: the period's sales and orders, and the menu again."""
    text = t.ngettext(
        "📈 Sales %(period)s: <b>%(amount)s</b> from %(n)d order",
        "📈 Sales %(period)s: <b>%(amount)s</b> from %(n)d orders",
        value.orders,
    ) % {
        "period": period_label(t, value.period),
        "amount": t.money(value.amount),
        "n": value.orders,
    }
    text += "\n" + t._("Approved orders by the day they were placed, delivery included.")
    return Screen(text, keyboard(menu_keyboard(t, value.period)))


def top(t: Texts, value: Top) -> Screen:
    """Best-selling products and the biggest customers."""
    head = t._("🏆 <b>Top products, %(period)s</b>") % {"period": period_label(t, value.period)}
    lines = [head]
    if not value.products:
        lines.append(t._("No sales in this period."))
    for n, p in enumerate(value.products, 1):
        lines.append(
            t.ngettext(
                "%(n)d. %(sku)s %(name)s: %(units)d unit, %(amount)s",
                "%(n)d. %(sku)s %(name)s: %(units)d units, %(amount)s",
                p.units,
            )
            % {
                "n": n,
                "sku": esc(p.sku),
                "name": esc(clip(p.name, 40)),
                "units": p.units,
                "amount": t.money(p.amount),
            }
        )
    lines += ["", t._("<b>Top customers</b>")]
    if not value.customers:
        lines.append(t._("No sales in this period."))
    for n, c in enumerate(value.customers, 1):
        name = c.name + (f" · {c.company}" if c.company else "")
        lines.append(
            t.ngettext(
                "%(n)d. %(customer)s: %(amount)s, %(orders)d order",
                "%(n)d. %(customer)s: %(amount)s, %(orders)d orders",
                c.orders,
            )
            % {
                "n": n,
                "customer": esc(clip(name, 60)),
                "amount": t.money(c.amount),
                "orders": c.orders,
            }
        )
    lines += [
        "",
        t._("Products at their unit prices before discounts; customers by order totals."),
    ]
    return Screen("\n".join(lines), keyboard(menu_keyboard(t, value.period)))


def by_rep(t: Texts, value: BySalesRep) -> Screen:
    """Sales of each rep's customers."""
    lines = [t._("👥 <b>Sales by rep, %(period)s</b>") % {"period": period_label(t, value.period)}]
    if not value.reps:
        lines.append(t._("No sales in this period."))
    total = sum(r.amount for r in value.reps)
    for r in value.reps:
        name = esc(r.name) if r.name else t._("(customers without a rep)")
        share = format_percent(r.amount / total, "#,##0.#%", locale=t.locale) if total else "—"
        lines.append(
            t.ngettext(
                "• %(rep)s: %(amount)s (%(share)s), %(orders)d order",
                "• %(rep)s: %(amount)s (%(share)s), %(orders)d orders",
                r.orders,
            )
            % {"rep": name, "amount": t.money(r.amount), "share": share, "orders": r.orders}
        )
    return Screen("\n".join(lines), keyboard(menu_keyboard(t, value.period)))


def _durations(t: Texts, label: str, value: DurationStats) -> str:
    if not value.count:
        return label + ": " + t._("no orders")
    return (
        label
        + ": "
        + t.ngettext(
            "median %(median)s, average %(average)s, longest %(longest)s (%(n)d order)",
            "median %(median)s, average %(average)s, longest %(longest)s (%(n)d orders)",
            value.count,
        )
        % {
            "median": duration(t, value.median),
            "average": duration(t, value.average),
            "longest": duration(t, value.longest),
            "n": value.count,
        }
    )


def _reason(t: Texts, reason: str) -> str:
    if reason == SHORT_REASON:
        return t._("nothing left to ship (items short)")
    return esc(clip(reason, 60)) or t._("(no reason)")


def kpis(t: Texts, value: Kpis) -> Screen:
    """What managers measure: times, on-time delivery, fill rate, cancellations, receivables."""
    c = value.cancellations
    lines = [
        t._("📊 <b>KPIs, %(period)s</b>") % {"period": period_label(t, value.period)},
        _durations(t, t._("⏱ Time to approval"), value.approval),
        _durations(t, t._("🚚 Time to shipment"), value.shipment),
        t._("📬 On-time delivery: %(rate)s (%(part)d of %(whole)d delivered)")
        % {
            "rate": percent(t, value.on_time),
            "part": value.on_time.part,
            "whole": value.on_time.whole,
        },
        t._("📦 Fill rate: %(rate)s (%(part)d of %(whole)d shipped complete and on time)")
        % {"rate": percent(t, value.fill), "part": value.fill.part, "whole": value.fill.whole},
        t._("✖️ Cancellation rate: %(rate)s (%(part)d of %(whole)d orders placed)")
        % {"rate": percent(t, c.ratio), "part": c.cancelled, "whole": c.submitted},
    ]
    for stage, n in c.stages:
        lines.append(f"   {t._(STAGES[stage])}: {n}")
    if c.reasons:
        lines.append(t._("Reasons:"))
        lines += [f"   • {_reason(t, reason)}: {n}" for reason, n in c.reasons[:8]]
    r = value.receivables
    lines += [
        "",
        t._("💰 <b>Receivables on %(day)s</b>") % {"day": t.date(value.today)},
        t._("Outstanding: %(amount)s") % {"amount": t.money(r.total)},
        t._("Overdue: %(amount)s") % {"amount": t.money(r.overdue)},
    ]
    lines += [
        f"   {t._(label)}: {t.money(amount)}"
        for label, amount in zip(BUCKETS, r.buckets, strict=True)
    ]
    lines += [
        "",
        t._(
            "ℹ️ Times run from the order being placed. On time: arrived by the customer's "
            "desired date, else by the ship deadline plus the usual transit. Fill rate: shipped "
            "complete by the ship deadline (the promised date, else the usual days to ship)."
        ),
    ]
    return Screen("\n".join(lines), keyboard(menu_keyboard(t, value.period)))


def ratings(t: Texts, value: Ratings) -> Screen:
    """Ratings per star, the average, the newest comments."""
    s = value.summary
    lines = [t._("⭐ <b>Ratings, %(period)s</b>") % {"period": period_label(t, value.period)}]
    if s.average is None:
        lines.append(t._("No ratings in this period."))
    else:
        lines.append(
            t.ngettext(
                "Average %(average)s of 5 from %(n)d rating",
                "Average %(average)s of 5 from %(n)d ratings",
                s.count,
            )
            % {"average": format_decimal(s.average, "0.0", locale=t.locale), "n": s.count}
        )
        lines += [
            f"{'★' * stars}{'☆' * (5 - stars)}  {s.counts[stars - 1]}" for stars in range(5, 0, -1)
        ]
    items = [
        f"• {c.number} · {esc(clip(c.customer, 30))} · {'★' * c.rating}: "
        + esc(clip(c.comment, 200))
        for c in value.comments
    ]
    if items:
        lines += ["", t._("<b>Latest comments</b>")]
    text = fit("\n".join(lines), items, "", t._("… and %(n)d more"))
    return Screen(text, keyboard(menu_keyboard(t, value.period)))
