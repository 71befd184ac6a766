"""Screens of /export: which data, which period, which format; the file's caption."""

from __future__ import annotations

from bot.domain.exports import Dataset, ExportPeriod, Preset, Table
from bot.i18n import N_, Texts
from bot.ui import actions
from bot.ui.callbacks import day_arg, pack
from bot.ui.export_files import DATASETS, Format
from bot.ui.screen import Screen, button, keyboard

# The file is written on a worker thread as its rows stream in (constant memory; about 25 s
# for 100,000 rows of XLSX, with a progress message): larger exports are for the command line.
MAX_ROWS = 100_000
PRESETS = (
    (Preset.THIS_MONTH, N_("This month")),
    (Preset.LAST_MONTH, N_("Last month")),
    (Preset.THIS_YEAR, N_("This year")),
)
FORMATS = ((Format.XLSX, N_("📊 Excel (XLSX)")), (Format.CSV, N_("📄 CSV")))
ICONS = {
    Dataset.ORDERS: "🧾",
    Dataset.LINES: "📋",
    Dataset.PAYMENTS: "💰",
    Dataset.RECEIVABLES: "⏳",
}


def period_label(t: Texts, period: ExportPeriod) -> str:
    """One day, or the first and the last day."""
    if period.start == period.end:
        return t.date(period.start)
    return t._("%(start)s – %(end)s") % {"start": t.date(period.start), "end": t.date(period.end)}


def datasets(t: Texts) -> Screen:
    """Which data to export."""
    rows = [
        [button(f"{ICONS[d]} {t._(label)}", pack(actions.Export.DATASET, d.value))]
        for d, label in DATASETS.items()
    ]
    return Screen(t._("📤 <b>Export</b>: which data?"), keyboard(rows))


def periods(t: Texts, dataset: Dataset, presets: dict[Preset, ExportPeriod]) -> Screen:
    """Which period: this month, last month, this year, or typed dates."""
    rows = [
        [
            button(
                t._(label),
                pack(actions.Export.PERIOD, dataset.value, day_arg(p.start), day_arg(p.end)),
            )
            for p, label in ((presets[k], label) for k, label in PRESETS)
        ],
        [button(t._("🗓 Other dates…"), pack(actions.Export.OTHER_DATES, dataset.value))],
        [button(t._("⬅ Back"), pack(actions.Export.HOME))],
    ]
    text = t._("📤 <b>%(data)s</b>: which period?") % {"data": t._(DATASETS[dataset])}
    if dataset is Dataset.RECEIVABLES:
        text += "\n" + t._("Receivables are what was still owed at the end of the period.")
    return Screen(text, keyboard(rows))


def ask_dates(t: Texts) -> Screen:
    """The period, typed."""
    return Screen(
        t._(
            "Send the first and the last day, e.g. 2026-11-01 2026-11-30 "
            "(at most a year). /cancel to stop."
        )
    )


def formats(t: Texts, dataset: Dataset, period: ExportPeriod) -> Screen:
    """XLSX or CSV for this data and period (a button each; both may be pressed)."""
    start, end = day_arg(period.start), day_arg(period.end)
    rows = [
        [
            button(t._(label), pack(actions.Export.FILE, dataset.value, start, end, fmt.value))
            for fmt, label in FORMATS
        ],
        [button(t._("⬅ Back"), pack(actions.Export.DATASET, dataset.value))],
    ]
    text = t._("📤 <b>%(data)s</b>, %(period)s: which format?") % {
        "data": t._(DATASETS[dataset]),
        "period": period_label(t, period),
    }
    return Screen(text, keyboard(rows))


def caption(t: Texts, table: Table, count: int) -> str:
    """What the file holds: the data, the period (or the day of receivables), the rows."""
    rows = t.ngettext("%(n)d row", "%(n)d rows", count) % {"n": count}
    if table.as_of is not None:
        return t._("📤 %(data)s on %(day)s: %(rows)s") % {
            "data": t._(DATASETS[table.dataset]),
            "day": t.date(table.as_of),
            "rows": rows,
        }
    return t._("📤 %(data)s, %(period)s: %(rows)s") % {
        "data": t._(DATASETS[table.dataset]),
        "period": period_label(t, table.period),
        "rows": rows,
    }


def too_large(t: Texts, count: int) -> str:
    """More rows than a chat export takes (an alert: plain text, at most 200 characters)."""
    return t._(
        "%(n)s rows: more than a chat export takes (%(max)s). Choose a shorter period, "
        "or run orderdesk export on the server."
    ) % {
        "n": t.number(count),
        "max": t.number(MAX_ROWS),
    }


def empty(t: Texts, table: Table) -> str:
    """Nothing in this period."""
    return t._("Nothing to export for %(period)s.") % {"period": period_label(t, table.period)}
