"""Exports: orders, order lines, payments or receivables of a period as a table of plain values.

Money stays in integer minor units in the table (the file writers turn it into decimal major
units); dates and times are in the business time zone. The rows stream: read from the database
a chunk at a time in a worker process (bot/runtime/offload.py; its own read-only connection to
the file) and handed one by one to whoever writes them there (a file: bot/ui/export_files.py),
so an export of any size takes constant memory and never holds the event loop."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import groupby
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.config import Config
from bot.db import Database
from bot.db.database import read_only
from bot.db.exports import ExportReader, OrderRow
from bot.domain.exports import Cell, Column, Dataset, ExportPeriod, Kind, Table
from bot.domain.models import OrderStatus, User
from bot.domain.payments import AGEING, bucket, ledger, remaining
from bot.domain.roles import Permission
from bot.runtime.offload import Offload
from bot.services.base import Service, authorize

R = TypeVar("R")
Row = tuple[Cell, ...]
# Writes an export: its columns (the table without rows) and its rows, one by one, in a worker
# process (so it pickles: a module-level function or a partial of one); what it returns is
# handed back (the file written, how many rows).
Sink = Callable[[Table, Iterator[Row]], R]

M, D, T = Kind.MONEY, Kind.DATE, Kind.DATETIME
COLUMNS: dict[Dataset, tuple[Column, ...]] = {
    Dataset.ORDERS: tuple(
        Column(key=k, kind=kind)
        for k, kind in (
            ("order", Kind.TEXT),
            ("submitted", T),
            ("customer", Kind.TEXT),
            ("company", Kind.TEXT),
            ("rep", Kind.TEXT),
            ("status", Kind.ORDER_STATUS),
            ("payment_status", Kind.PAYMENT_STATUS),
            ("order_type", Kind.TEXT),
            ("payment_term", Kind.TEXT),
            ("delivery", Kind.TEXT),
            ("subtotal", M),
            ("discount", M),
            ("delivery_fee", M),
            ("tax", M),
            ("total", M),
            ("charged", M),
            ("paid", M),
            ("refunded", M),
            ("owed", M),
            ("refund_due", M),
            ("invoice", Kind.TEXT),
            ("credited", M),
            ("currency", Kind.TEXT),
        )
    ),
    Dataset.LINES: tuple(
        Column(key=k, kind=kind)
        for k, kind in (
            ("order", Kind.TEXT),
            ("submitted", T),
            ("customer", Kind.TEXT),
            ("status", Kind.ORDER_STATUS),
            ("sku", Kind.TEXT),
            ("product", Kind.TEXT),
            ("qty", Kind.INT),
            ("cancelled_qty", Kind.INT),
            ("shipped_qty", Kind.INT),
            ("unit_price", M),
            ("amount", M),
        )
    ),
    Dataset.PAYMENTS: tuple(
        Column(key=k, kind=kind)
        for k, kind in (
            ("paid_on", D),
            ("kind", Kind.ENTRY),
            ("order", Kind.TEXT),
            ("customer", Kind.TEXT),
            ("invoice", Kind.TEXT),
            ("method", Kind.METHOD),
            ("amount", M),
            ("recorded", T),
            ("recorded_by", Kind.TEXT),
        )
    ),
    Dataset.RECEIVABLES: tuple(
        Column(key=k, kind=kind)
        for k, kind in (
            ("customer", Kind.TEXT),
            ("order", Kind.TEXT),
            ("invoice", Kind.TEXT),
            ("issued", D),
            ("due", D),
            ("amount", M),
            ("outstanding", M),
            ("days_overdue", Kind.INT),
            ("age", Kind.TEXT),
        )
    ),
}


def _age(days_overdue: int) -> str:
    """The ageing bucket of an overdue amount ("31–60", "90+"); empty when not overdue."""
    if days_overdue <= 0:
        return ""
    low, high = AGEING[bucket(days_overdue)]
    return f"{low}–{high}" if high is not None else f"{low - 1}+"


class ExportService(Service):
    """Tables for spreadsheets: finance, sales managers and admins."""

    def __init__(
        self, db: Database, config: Config, clock: Clock, offload: Offload | None = None
    ) -> None:
        super().__init__(db, config, clock)
        self.offload = offload or Offload(0)

    async def export(self, actor: User, dataset: Dataset, period: ExportPeriod) -> Table:
        """One data set for a period, if the actor may export (refusals are audited)."""
        return await self.export_to(actor, dataset, period, _collect)

    async def export_to(
        self, actor: User, dataset: Dataset, period: ExportPeriod, sink: Sink[R]
    ) -> R:
        """One data set for a period streamed to `sink` in a process of its own, if the actor may
        export (refusals are audited); what the sink returns."""
        async with self.db.unit_of_work() as uow:
            await authorize(uow, self.config, actor, Permission.EXPORT, "export", self.clock.now())
        return await self.stream(dataset, period, sink)

    async def table(self, dataset: Dataset, period: ExportPeriod) -> Table:
        """One data set for a period, unchecked, all its rows in memory (tests, small sets)."""
        return await self.stream(dataset, period, _collect)

    async def stream(self, dataset: Dataset, period: ExportPeriod, sink: Sink[R]) -> R:
        """One data set for a period streamed to `sink`, unchecked: for the operator's command
        line. The rows are one snapshot of the database."""
        as_of = min(period.end, self.today()) if dataset is Dataset.RECEIVABLES else None
        head = Table(
            dataset=dataset,
            period=period,
            as_of=as_of,
            currency=self.config.business.currency,
            columns=COLUMNS[dataset],
            rows=(),
        )
        source = Source(self.db.path, self.config.business.zone)
        # In a process of its own that loads only what an export needs: in a worker (a copy of
        # the fork server with the PDF and chart libraries) 100,000 rows peaked at 112 MB.
        return await self.offload.run_alone(write, source, head, sink)


def write(source: Source, head: Table, sink: Sink[R]) -> R:
    """In a worker process (or thread): the rows read and handed to the sink as they come."""
    with contextlib.closing(read_only(source.path)) as conn:
        return sink(head, source.rows(ExportReader(conn), head))


@dataclass(frozen=True)
class Source:
    """Where a worker reads an export's rows: the database file, and the business time zone
    its moments are shown in."""

    path: Path
    zone: ZoneInfo

    def _bounds(self, period: ExportPeriod) -> tuple[datetime, datetime]:
        """The period's first moment and the moment after its last, in UTC."""
        since = datetime.combine(period.start, time(0), self.zone)
        until = datetime.combine(period.end + timedelta(days=1), time(0), self.zone)
        return since.astimezone(UTC), until.astimezone(UTC)

    def _local(self, moment: datetime) -> datetime:
        """A stored moment as wall-clock time in the business time zone."""
        return moment.astimezone(self.zone).replace(tzinfo=None)

    def rows(self, reader: ExportReader, head: Table) -> Iterator[Row]:
        """The rows of the export `head` describes, as they are read."""
        since, until = self._bounds(head.period)
        if head.dataset is Dataset.ORDERS:
            return map(self._order, reader.orders(since, until))
        if head.dataset is Dataset.LINES:
            return (
                (r.number, self._local(r.submitted_at), *r[2:]) for r in reader.lines(since, until)
            )
        if head.dataset is Dataset.PAYMENTS:
            return (
                (*r[:7], self._local(r.recorded_at), r.recorded_by)
                for r in reader.payments(head.period.start, head.period.end)
            )
        assert head.as_of is not None
        return self._receivables(reader, head.as_of)

    def _order(self, r: OrderRow) -> tuple[Cell, ...]:
        """An order's row: its money from the one rule (bot.domain.payments.ledger)."""
        money = ledger(r.total, OrderStatus(r.status), r.paid, r.refunded)
        return (
            r.number,
            self._local(r.submitted_at),
            r.customer,
            r.company,
            r.rep,
            r.status,
            money.status.value,
            r.order_type,
            r.payment_term,
            r.delivery_method,
            r.subtotal,
            r.discount,
            r.delivery_fee,
            r.tax,
            r.total,
            money.charge,
            money.paid,
            money.refunded,
            money.owed,
            money.refund_due,
            r.invoice,
            r.credited,
            r.currency,
        )

    def _receivables(self, reader: ExportReader, as_of: date) -> Iterator[Row]:
        """Every due date still open at the end of a day, oldest payments first."""
        until = self._bounds(ExportPeriod(start=as_of, end=as_of))[1]
        for _, dues in groupby(reader.dues(until, as_of), key=lambda d: d.order_id):
            group = list(dues)
            left = remaining([(d.due_on, d.amount) for d in group], max(0, group[0].paid))
            for due, owed in zip(group, left, strict=True):
                if owed:
                    late = max(0, (as_of - due.due_on).days)
                    yield (
                        due.customer,
                        due.number,
                        due.invoice,
                        self._local(due.issued_at).date(),
                        due.due_on,
                        due.amount,
                        owed,
                        late,
                        _age(late),
                    )


def _collect(head: Table, rows: Iterator[Row]) -> Table:
    """The table with all its rows."""
    return head.model_copy(update={"rows": tuple(rows)})
