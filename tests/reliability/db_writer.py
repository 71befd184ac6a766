"""A process that writes to an OrderDesk database as the bot does (its Database class: one
connection, WAL, units of work) until a stop file appears.

Every transaction adds one order with three lines, each reserving one unit of one of three
products (whose stock grows by one, so the reservation always fits). Any consistent snapshot
therefore has exactly three lines per order and, per product, as many units reserved as there
are orders: a copy taken half-way through a transaction would break that.

    python -m tests.reliability.db_writer DATABASE STOP_FILE
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bot.db import Database

NOW = "2026-11-23T02:00:00+00:00"
PRODUCTS = 3  # the first products of the catalog, by id


async def write(path: Path, stop: Path) -> int:
    """Write orders until `stop` exists; returns how many."""
    db = Database(path)
    await db.open()
    conn = db.connection
    try:
        async with db.unit_of_work() as uow:
            await conn.execute(
                "INSERT INTO users (telegram_id, first_name, language, created_at)"
                " VALUES (424242, 'Writer', 'en', ?)",
                (NOW,),
            )
            await conn.execute(
                "INSERT INTO customers (user_id, name, phone, created_at)"
                " VALUES (last_insert_rowid(), 'Writer Co', '+8613800138999', ?)",
                (NOW,),
            )
            async with conn.execute("SELECT last_insert_rowid()") as cursor:
                (customer,) = await cursor.fetchone()  # type: ignore[misc]
            async with conn.execute(
                "SELECT id, sku, name_en, price FROM products ORDER BY id LIMIT ?", (PRODUCTS,)
            ) as cursor:
                products = [tuple(r) for r in await cursor.fetchall()]
            await uow.commit()
        print("ready", flush=True)
        n = 0
        while not stop.exists():
            n += 1
            async with db.unit_of_work() as uow:
                total = sum(int(p[3]) for p in products)
                cursor = await conn.execute(
                    "INSERT INTO orders (number, customer_id, status, order_type,"
                    " delivery_method, payment_term, subtotal, discount, delivery_fee, tax,"
                    " tax_included, total, currency, submit_token, submitted_at, updated_at)"
                    " VALUES (?, ?, 'submitted', 'standard', 'pickup', 'prepaid', ?, 0, 0, 0,"
                    " 0, ?, 'CNY', ?, ?, ?)",
                    (f"SO-W-{n}", customer, total, total, f"writer-{n}", NOW, NOW),
                )
                order_id = cursor.lastrowid
                for product_id, sku, name, price in products:
                    await conn.execute(
                        "UPDATE products SET stock_on_hand = stock_on_hand + 1,"
                        " reserved = reserved + 1 WHERE id = ?",
                        (product_id,),
                    )
                    await conn.execute(
                        "INSERT INTO order_lines (order_id, product_id, sku, name, qty,"
                        " unit_price, total, reserved_qty) VALUES (?, ?, ?, ?, 1, ?, ?, 1)",
                        (order_id, product_id, sku, name, price, price),
                    )
                await uow.commit()
            await asyncio.sleep(0)
        return n
    finally:
        await db.close()


if __name__ == "__main__":
    written = asyncio.run(write(Path(sys.argv[1]), Path(sys.argv[2])))
    print(f"wrote {written}", flush=True)
