"""/search at scale: builds a catalog of N products named in three languages (fixed seed), then
times CatalogService.search (what /search runs: the total, then the page) for a set of queries,
and the LIKE scan it replaced (migration 0031) on the same file for comparison."""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.book import NOW, config
from benchmarks.report import Row, emit
from bot.clock import FixedClock
from bot.db import Database
from bot.db._rows import like_pattern
from bot.domain.models import Language
from bot.services import Services

SEED = 17
GOAL_MS = 20.0
T = "2026-11-23T02:00:00+00:00"
# (English, Chinese, Russian) for the words of a product's name
KINDS = [
    ("paper", "纸", "бумага"), ("stapler", "订书机", "степлер"), ("pen", "圆珠笔", "ручка"),
    ("notebook", "笔记本", "блокнот"), ("toner", "硒鼓", "тонер"), ("folder", "文件夹", "папка"),
    ("marker", "记号笔", "маркер"), ("envelope", "信封", "конверт"), ("tape", "胶带", "скотч"),
    ("scissors", "剪刀", "ножницы"), ("calculator", "计算器", "калькулятор"),
    ("mug", "杯子", "кружка"),
]  # fmt: skip
COLOURS = [
    ("black", "黑色", "чёрный"), ("blue", "蓝色", "синий"), ("red", "红色", "красный"),
    ("green", "绿色", "зелёный"), ("white", "白色", "белый"), ("yellow", "黄色", "жёлтый"),
]  # fmt: skip
SIZES = ["A3", "A4", "A5", "B5", "mini", "XL", "pro", "eco"]
QUERIES = [  # (what, words, language)
    ("exact SKU", "sku of 4217", Language.EN),  # (the SKU of product 4217, whichever it is)
    ("SKU prefix", "prefix of 4217", Language.EN),
    ("English word", "stapler", Language.EN),
    ("English phrase", "blue notebook A5", Language.EN),
    ("rare model", "model 7391", Language.EN),
    ("Chinese 3 chars", "订书机", Language.ZH),
    ("Chinese 1 char", "纸", Language.ZH),
    ("Russian word", "калькулятор", Language.RU),
    ("typo", "calculater", Language.EN),
    ("nothing", "zzzqqq", Language.EN),
]


def products(n: int) -> list[tuple[object, ...]]:
    """Rows of the products table: id, sku, category, names in three languages, price, time."""
    rng, rows = random.Random(SEED), list[tuple[object, ...]]()
    for pid in range(1, n + 1):
        (en, zh, ru), (c_en, c_zh, c_ru) = rng.choice(KINDS), rng.choice(COLOURS)
        size, model = rng.choice(SIZES), rng.randint(1000, 9999)
        rows.append(
            (
                pid,
                f"{en[:3].upper()}-{pid:06d}",
                1,
                f"{c_en.capitalize()} {en} {size} model {model}",
                f"{c_zh}{zh} {size} 型号{model}",
                f"{ru.capitalize()} {c_ru} {size} модель {model}",
                rng.randint(1, 500) * 100,
                0 if rng.random() < 0.02 else 1,
                T,
            )
        )
    return rows


async def build(db: Database, n: int) -> float:
    """Insert the catalog in one transaction (the triggers fill the index); seconds taken."""
    conn = db.connection
    start = time.perf_counter()
    await conn.execute("BEGIN")
    await conn.execute("INSERT INTO categories (id, key, name_en) VALUES (1, 'all', 'All')")
    await conn.executemany(
        "INSERT INTO products (id, sku, category_id, name_en, name_zh, name_ru, price, active,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        products(n),
    )
    await conn.execute("COMMIT")
    return time.perf_counter() - start


async def like_scan(db: Database, words: str, language: Language, size: int) -> int:
    """What /search ran before 0031, for comparison: a LIKE count, then a LIKE page."""
    where = (
        "p.active = 1 AND (p.sku LIKE :q ESCAPE '\\' OR p.name_en LIKE :q ESCAPE '\\'"
        " OR p.name_zh LIKE :q ESCAPE '\\' OR p.name_ru LIKE :q ESCAPE '\\')"
    )
    q = like_pattern(words)
    conn = db.connection
    (total,) = await conn.execute_fetchall(
        f"SELECT COUNT(*) FROM products p WHERE {where}", {"q": q}
    )
    await conn.execute_fetchall(
        f"SELECT p.id FROM products p WHERE {where} ORDER BY (p.sku = :exact) DESC,"
        f" p.name_{language.value}, p.id LIMIT :limit",
        {"q": q, "exact": words.upper(), "limit": size},
    )
    return int(total[0])


def percentiles(times: list[float]) -> tuple[float, float]:
    """p50 and p95 of some milliseconds."""
    ordered = sorted(times)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


async def main(n: int, runs: int) -> list[Row]:
    """Build, time each query `runs` times both ways, print a table."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "search.sqlite3"
        cfg = config(path)
        db = Database(path)
        await db.open()
        took = await build(db, n)
        size = path.stat().st_size / 1e6
        print(f"{n:,} products in three languages built in {took:.1f} s; file {size:.0f} MB")
        services = Services.build(db, cfg, FixedClock(NOW))
        rows: list[Row] = []
        every: list[float] = []
        print(f"{'query':<18}{'words':<20}{'found':>8}{'p50 ms':>9}{'p95 ms':>9}{'LIKE p50':>10}")
        sku = str(products(4217)[-1][1])
        for what, words, language in QUERIES:
            words = {"sku of 4217": sku, "prefix of 4217": sku[:-2]}.get(words, words)
            times, before = [], []
            page = await services.catalog.search(words, 0, language)
            for _ in range(runs):
                start = time.perf_counter()
                page = await services.catalog.search(words, 0, language)
                times.append((time.perf_counter() - start) * 1000)
                start = time.perf_counter()
                await like_scan(db, words, language, cfg.catalog.page_size)
                before.append((time.perf_counter() - start) * 1000)
            p50, p95 = percentiles(times)
            old, _ = percentiles(before)
            every += times
            first = page.items[0].sku if page.items else "-"
            print(
                f"{what:<18}{words:<20}{page.total:>8}{p50:>9.1f}{p95:>9.1f}{old:>10.1f}  {first}"
            )
            rows.append(
                Row("search", f"/search {what}", f"{n:,} products, “{words}”", p50, p95, "")
            )
            rows.append(Row("search", f"before: LIKE {what}", f"{n:,} products", old, None, ""))
        p50, p95 = percentiles(every)
        verdict = "met" if p95 <= GOAL_MS else "MISSED"
        rows.append(
            Row("search", "/search, all queries", f"{n:,} products", p50, p95,
                f"p95 ≤ {GOAL_MS:.0f} ms: {verdict}")
        )  # fmt: skip
        print(
            f"all queries: p50 {p50:.1f} ms, p95 {p95:.1f} ms (goal ≤ {GOAL_MS:.0f} ms: {verdict})"
        )
        await db.close()
    return rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--products", type=int, default=100_000, help="products in the catalog")
    parser.add_argument("--runs", type=int, default=20, help="repetitions of each query")
    parser.add_argument("--quick", action="store_true", help="10,000 products, 5 runs")
    parser.add_argument("--json", type=Path, help="also write the summary's rows here")
    args = parser.parse_args()
    if args.quick:
        args.products, args.runs = 10_000, 5
    emit(asyncio.run(main(args.products, args.runs)), args.json)
