"""Orders from photos: how many lines of rendered order lists (Chinese, English, Russian; upright,
turned 90°, 180° or 270°, speckled with noise) reach the quick order as the same product and
quantity as the same lines typed, and how long one photo takes (OCR with tesseract and the
matching against the demo catalog)."""

from __future__ import annotations

import argparse
import asyncio
import io
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

from PIL import Image

from benchmarks.book import NOW, config
from benchmarks.report import Row, emit
from bot.clock import FixedClock
from bot.db import Database
from bot.domain.intake import IntakeRefused
from bot.domain.models import Language, User
from bot.domain.product_match import MatchKind
from bot.services import Services
from bot.services.catalog_import import CatalogImportService
from bot.services.quick_order import QuickView
from sandbox.order_photos import order_photo

DEMO = Path(__file__).resolve().parent.parent / "demo"
ACCURACY_GOAL = 90.0  # percent of lines read as typed
LISTS = [
    ["A4复印纸 3箱", "Toner TN-2420 x 2", "Степлер № 24/6 x 1", "PAP-A3-80 x 4"],
    ["5 x A5 dotted notebook", "TN-2420 黑色硒鼓 x 1", "Бумага A3 80 г x 2", "Staples 24/6 x 3"],
    ["24/6 订书钉 x 6", "INK-CMY-SET x 1", "Синие шариковые ручки x 2", "A4 copy paper x 10"],
]
# (turned counter-clockwise by degrees, share of pixels set to random greys)
VARIANTS = [(0, 0.0), (90, 0.0), (270, 0.0), (0, 0.04), (180, 0.02)]
QUICK_VARIANTS = [(0, 0.0), (90, 0.0), (0, 0.04)]


def chosen(view: QuickView) -> Counter[tuple[str, int]]:
    """(SKU, quantity) of each line matched for certain."""
    return Counter(
        (view.products[line.chosen].sku, line.qty)
        for line in view.order.lines
        if line.kind is MatchKind.CERTAIN and line.chosen in view.products
    )


async def main(variants: list[tuple[int, float]], out: Path | None) -> None:
    """Render, read, compare; print the figures."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ocr.sqlite3"
        cfg = config(path)
        db = Database(path)
        await db.open()
        try:
            clock = FixedClock(NOW)
            text = (DEMO / "products.csv").read_text(encoding="utf-8")
            await CatalogImportService(db, cfg, clock).import_csv(text, DEMO)
            services = Services.build(db, cfg, clock)
            user = User(id=1, telegram_id=1, language=Language.EN, time_zone=None, first_name="B")
            total = right = wrong = 0
            times: list[float] = []
            sizes: list[tuple[int, int]] = []
            for lines in LISTS:
                typed = chosen(await services.quick_order.understand(user, "\n".join(lines)))
                assert sum(typed.values()) == len(lines), f"typed, every line is certain: {lines}"
                for rotate, noise in variants:
                    photo = order_photo(lines, rotate=rotate, noise=noise, seed=rotate + 1)
                    with Image.open(io.BytesIO(photo)) as image:
                        sizes.append(image.size)
                    began = time.perf_counter()
                    try:
                        read = chosen(await services.intake.photo(user, photo))
                    except IntakeRefused:
                        read = Counter()
                    times.append((time.perf_counter() - began) * 1000)
                    good = sum((read & typed).values())
                    total += len(lines)
                    right += good
                    wrong += sum((read - typed).values())
                    print(
                        f"  {lines[0][:18]:<18} turned {rotate:>3}° noise {noise:.0%}: "
                        f"{good}/{len(lines)} right, {sum((read - typed).values())} wrong, "
                        f"{times[-1]:,.0f} ms"
                    )
        finally:
            await db.close()
    accuracy = 100 * right / total
    width = statistics.median(w for w, _ in sizes)
    height = statistics.median(h for _, h in sizes)
    detail = f"{len(times)} images, ~{width:.0f}×{height:.0f} px, 4 lines each"
    verdict = "ok" if accuracy >= ACCURACY_GOAL else "MISSED"
    rows = [
        Row(
            "ocr",
            "lines read as typed",
            detail,
            accuracy,
            None,
            f">= {ACCURACY_GOAL:.0f} %: {verdict}",
            "%",
        ),
        Row("ocr", "lines read as another product", detail, 100 * wrong / total, None, "", "%"),
        Row("ocr", "time per photo p50", detail, statistics.median(times), max(times), ""),
    ]
    emit(rows, out)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="three variants instead of five")
    parser.add_argument("--json", type=Path, help="also write the table's rows here")
    args = parser.parse_args()
    asyncio.run(main(QUICK_VARIANTS if args.quick else VARIANTS, args.json))
