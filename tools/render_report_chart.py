"""Draw docs/report-sales.png: the /report sales chart of a made-up month of the demo shop.

    .venv/bin/python tools/render_report_chart.py [OUTPUT]

The figures are invented but shaped like the demo's trade (quiet weekends, a few bulk days);
the drawing is the bot's own (bot.ui.charts), in English."""

from __future__ import annotations

import random
import sys
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.domain.models import Language  # noqa: E402
from bot.domain.reports import Period, daily  # noqa: E402
from bot.i18n import I18n  # noqa: E402
from bot.services.reports import SalesByDay  # noqa: E402
from bot.ui.charts import sales_chart  # noqa: E402

MONTH = Period(date(2026, 11, 1), date(2026, 11, 30))
# Demo prices in fen: A4 paper, a toner, staplers, refills, pens, notebooks.
BASKETS = (2500 * 10, 38900, 3500 * 5, 450 * 20, 1200 * 6, 1800 * 3, 4900 * 10)


def month_of_sales(seed: int = 2026) -> SalesByDay:
    """A few orders a weekday, fewer at weekends, two bulk orders of toner in the month."""
    rng = random.Random(seed)
    sales: list[tuple[date, int]] = []
    for day in MONTH.dates():
        orders = rng.randint(0, 2) if day.weekday() >= 5 else rng.randint(2, 6)
        sales += [(day, rng.choice(BASKETS) + 1500) for _ in range(orders)]
    sales += [(date(2026, 11, 12), 36900 * 10), (date(2026, 11, 26), 36900 * 6)]
    return SalesByDay(period=MONTH, days=daily(MONTH, sales))


def main(argv: list[str]) -> int:
    """Write the chart (default docs/report-sales.png)."""
    target = Path(argv[1]) if len(argv) > 1 else ROOT / "docs" / "report-sales.png"
    texts = I18n("CNY", ZoneInfo("Asia/Shanghai")).texts(Language.EN)
    target.write_bytes(sales_chart(texts, month_of_sales()))
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
