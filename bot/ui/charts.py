"""Report charts: drawn off-screen by matplotlib (Agg) into PNG bytes, in the reader's language.

Figures are made with matplotlib's object API, never pyplot: nothing is registered globally, so
a figure is freed with its last reference and charts may be drawn in worker threads. The same
data in the same language gives the same bytes (no timestamp in the file)."""

from __future__ import annotations

import contextlib
import io
import math
from functools import lru_cache

import matplotlib
from babel.dates import format_skeleton
from babel.numbers import format_decimal, get_currency_precision, get_currency_symbol
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from bot.i18n import Texts
from bot.services.reports import SalesByDay
from bot.ui.pdf_font import FontMissing, font_path

# Off-screen drawing only, whatever MPLBACKEND says: no display, no GUI toolkit.
matplotlib.use("Agg")

WIDTH, HEIGHT, DPI = 8.0, 4.5, 120  # 960 × 540 pixels
BAR = "#2f6db5"
MAX_LABELS = 14  # day labels under the bars; more days show every n-th
# Latin and Cyrillic from DejaVu; Chinese from Noto Sans CJK SC, the font the invoices embed
# (installed from PyPI with OrderDesk), else from a system CJK font.
FONTS = (
    "DejaVu Sans",
    "Noto Sans CJK SC",
    "WenQuanYi Micro Hei",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Droid Sans Fallback",
)


@lru_cache(maxsize=1)
def font_families() -> tuple[str, ...]:
    """The fonts of FONTS that are installed, in order (matplotlib falls back along them)."""
    with contextlib.suppress(FontMissing):  # then Chinese comes from a system font, if any
        font_manager.fontManager.addfont(str(font_path()))
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return tuple(f for f in FONTS if f in installed) or ("sans-serif",)


def _major(t: Texts, minor: int) -> float:
    """An amount in minor units as major units (yuan, euros) for the axis."""
    return minor / 10 ** int(get_currency_precision(t.currency))


def sales_chart(t: Texts, sales: SalesByDay) -> bytes:
    """Bars of each day's sales in the period (money in major units), as a PNG."""
    fonts = list(font_families())
    days = sales.days
    values = [_major(t, d.amount) for d in days]
    fig = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI)
    ax = fig.add_subplot()
    positions = list(range(len(days)))
    bars = ax.bar(positions, values, color=BAR, width=0.7)
    every = max(1, math.ceil(len(days) / MAX_LABELS))
    labels = [format_skeleton("MMMd", d.day, locale=t.locale) for d in days]
    ax.set_xticks(
        positions[::every],
        labels[::every],
        fontfamily=fonts,
        fontsize=9,
        rotation=45 if len(positions[::every]) > 7 else 0,
        ha="right" if len(positions[::every]) > 7 else "center",
    )
    ax.set_xlim(-0.6, len(days) - 0.4)
    ax.set_ylim(0, max(values, default=0) * 1.15 or 1)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10], min_n_ticks=2))
    ax.yaxis.set_major_formatter(
        FuncFormatter(lambda value, _: format_decimal(value, "#,##0.##", locale=t.locale))
    )
    if len(days) <= MAX_LABELS:
        ax.bar_label(
            bars,
            labels=[format_decimal(v, "#,##0", locale=t.locale) if v else "" for v in values],
            fontsize=8,
            padding=2,
        )
    symbol = get_currency_symbol(t.currency, locale=t.locale)
    ax.set_ylabel(t._("Sales, %(currency)s") % {"currency": symbol}, fontfamily=fonts)
    title = t._("Sales by day, %(start)s – %(end)s") % {
        "start": t.date(sales.period.start),
        "end": t.date(sales.period.end),
    }
    ax.set_title(title, fontfamily=fonts, fontsize=12)
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png", metadata={"Software": None})
    fig.clear()
    return out.getvalue()
