"""Exports: orders, order lines, payments or receivables of a period as a table of plain values.

Money stays in integer minor units in the table (the file writers turn it into decimal major
units); dates and times are in the business time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from bot.db import UnitOfWork
from bot.db.exports import OrderRow
from bot.domain.exports import Cell, Column, Dataset, ExportPeriod, Kind, Table
from bot.domain.models import OrderStatus, User
from bot.domain.payments import AGEING, bucket, ledger, remaining
from bot.domain.roles import Permission
from bot.services.base import Service, authorize

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

    async def export(self, actor: User, dataset: Dataset, period: ExportPeriod) -> Table:
        """One data set for a period, if the actor may export (refusals are audited)."""
        async with self.db.unit_of_work() as uow:
            await authorize(uow, self.config, actor, Permission.EXPORT, "export", self.clock.now())
        return await self.table(dataset, period)

    async def table(self, dataset: Dataset, period: ExportPeriod) -> Table:
        """One data set for a period, unchecked: for the operator's command line."""
        async with self.db.reader(long=True) as uow:
            rows = await self._rows(uow, dataset, period)
        as_of = min(period.end, self.today()) if dataset is Dataset.RECEIVABLES else None
        return Table(
            dataset=dataset,
            period=period,
            as_of=as_of,
            currency=self.config.business.currency,
            columns=COLUMNS[dataset],
            rows=tuple(rows),
        )

    def _bounds(self, period: ExportPeriod) -> tuple[datetime, datetime]:
        """The period's first moment and the moment after its last, in UTC."""
        zone = self.config.business.zone
        since = datetime.combine(period.start, time(0), zone)
        until = datetime.combine(period.end + timedelta(days=1), time(0), zone)
        return since.astimezone(UTC), until.astimezone(UTC)

    def _local(self, moment: datetime) -> datetime:
        """A stored moment as wall-clock time in the business time zone."""
        return moment.astimezone(self.config.business.zone).replace(tzinfo=None)

    async def _rows(
        self, uow: UnitOfWork, dataset: Dataset, period: ExportPeriod
    ) -> list[tuple[Cell, ...]]:
        since, until = self._bounds(period)
        if dataset is Dataset.ORDERS:
            return [self._order(r) for r in await uow.exports.orders(since, until)]
        if dataset is Dataset.LINES:
            return [
                (r.number, self._local(r.submitted_at), *r[2:])
                for r in await uow.exports.lines(since, until)
            ]
        if dataset is Dataset.PAYMENTS:
            return [
                (*r[:7], self._local(r.recorded_at), r.recorded_by)
                for r in await uow.exports.payments(period.start, period.end)
            ]
        return await self._receivables(uow, min(period.end, self.today()))

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

    async def _receivables(self, uow: UnitOfWork, as_of: date) -> list[tuple[Cell, ...]]:
        """Every due date still open at the end of a day, oldest payments first."""
        until = self._bounds(ExportPeriod(start=as_of, end=as_of))[1]
        dues = await uow.exports.dues(until, as_of)
        rows: list[tuple[Cell, ...]] = []
        start = 0
        while start < len(dues):
            end = start
            while end < len(dues) and dues[end].order_id == dues[start].order_id:
                end += 1
            group = dues[start:end]
            left = remaining([(d.due_on, d.amount) for d in group], max(0, group[0].paid))
            for due, owed in zip(group, left, strict=True):
                if owed:
                    late = max(0, (as_of - due.due_on).days)
                    rows.append(
                        (
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
                    )
            start = end
        return rows
