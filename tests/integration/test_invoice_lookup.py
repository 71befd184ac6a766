"""/invoice NUMBER finds the invoice by its own number or its order's through the unique
indexes: no statement of the lookup reads the invoices or orders table through (a scan took
seconds at 1,000,000 orders, benchmarks/no_stall.py)."""

from __future__ import annotations

from pathlib import Path

from bot.db import Database


async def test_finding_an_invoice_reads_no_whole_table(tmp_path: Path) -> None:
    db = Database(tmp_path / "invoices.sqlite3")
    await db.open()
    try:
        raw = db.connection._conn
        seen: list[str] = []
        raw.set_trace_callback(seen.append)
        try:
            async with db.reader() as uow:
                assert await uow.invoices.find("INV-20261123-0001") is None
                assert await uow.invoices.find("SO-20261123-0001") is None
        finally:
            raw.set_trace_callback(None)
        lookups = [sql for sql in seen if "FROM invoices" in sql]
        assert lookups
        for sql in lookups:
            plan = [row[3] for row in raw.execute(f"EXPLAIN QUERY PLAN {sql}")]
            assert not any(step.startswith("SCAN") for step in plan), plan
    finally:
        await db.close()
