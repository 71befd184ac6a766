"""Reports for managers and admins: sales, KPIs and ratings over a period, from the database.

Each figure is one function here; the definitions are in `bot.domain.reports`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from bot.config import Config
from bot.db import UnitOfWork
from bot.db.reports import Durations, ShipRules
from bot.domain.models import OrderType, User
from bot.domain.reports import (
    CancelStage,
    Comment,
    CustomerSales,
    DaySales,
    DurationStats,
    Period,
    PeriodKind,
    ProductSales,
    RatingSummary,
    Ratio,
    RepSales,
    cancel_stage,
    daily_totals,
    duration_summary,
    group_counted_reasons,
    period_for,
    rating_summary,
)
from bot.domain.roles import Permission
from bot.services.base import Service, authorize
from bot.services.finance import Receivables, summarise

TOP = 10
COMMENTS = 5


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True)


class SalesByDay(_Value):
    """Sales of each day of a period."""

    period: Period
    days: tuple[DaySales, ...]

    @property
    def amount(self) -> int:
        """All sales of the period, in minor units."""
        return sum(d.amount for d in self.days)

    @property
    def orders(self) -> int:
        """How many orders were sold."""
        return sum(d.orders for d in self.days)


class Top(_Value):
    """The best-selling products and the biggest customers of a period."""

    period: Period
    products: tuple[ProductSales, ...]
    customers: tuple[CustomerSales, ...]


class BySalesRep(_Value):
    """Sales per rep in a period."""

    period: Period
    reps: tuple[RepSales, ...]


class Cancellations(_Value):
    """Orders submitted in a period and cancelled since: how many, when, why."""

    submitted: int
    cancelled: int
    stages: tuple[tuple[CancelStage, int], ...]
    reasons: tuple[tuple[str, int], ...]

    @property
    def ratio(self) -> Ratio:
        """Cancelled of submitted."""
        return Ratio(self.cancelled, self.submitted)


class Kpis(_Value):
    """What managers measure, over a period (receivables: as of today)."""

    period: Period
    approval: DurationStats
    shipment: DurationStats
    on_time: Ratio
    fill: Ratio
    cancellations: Cancellations
    today: date
    receivables: Receivables


class Ratings(_Value):
    """Ratings customers gave in a period, and the newest comments."""

    period: Period
    summary: RatingSummary
    comments: tuple[Comment, ...]


def _rules(config: Config) -> ShipRules:
    """The ship deadline and delivery due day rules, as the reminders apply them."""
    reminders = config.reminders
    return ShipRules(
        zone=config.business.zone,
        within={kind: reminders.ship_within(kind) for kind in OrderType},
        calendar=config.calendar.working,
        transit_days=reminders.transit_days,
    )


def _stats(durations: Durations) -> DurationStats:
    return duration_summary(
        durations.n,
        timedelta(microseconds=durations.total),
        [timedelta(microseconds=durations.longest)],
        [timedelta(microseconds=m) for m in durations.middle],
    )


async def sales_by_day(uow: UnitOfWork, zone: ZoneInfo, period: Period) -> SalesByDay:
    """Sales (approved, not cancelled or rejected) by the business day they were submitted,
    summed in SQL."""
    totals = await uow.reports.sales_by_day(*period.bounds(zone), zone)
    return SalesByDay(period=period, days=daily_totals(period, totals))


async def time_to_approval(uow: UnitOfWork, zone: ZoneInfo, period: Period) -> DurationStats:
    """From submission to approval, for the orders approved in the period."""
    return _stats(await uow.reports.approval_times(*period.bounds(zone)))


async def time_to_shipment(uow: UnitOfWork, zone: ZoneInfo, period: Period) -> DurationStats:
    """From submission to the last shipment, for the orders shipped in full in the period."""
    return _stats(await uow.reports.shipment_times(*period.bounds(zone)))


async def on_time_delivery_rate(uow: UnitOfWork, config: Config, period: Period) -> Ratio:
    """Orders delivered in the period that arrived by their due day, of all delivered."""
    return Ratio(*await uow.reports.on_time(*period.bounds(config.business.zone), _rules(config)))


async def fill_rate(uow: UnitOfWork, config: Config, period: Period) -> Ratio:
    """Orders shipped in full in the period, complete and by the ship deadline, of all of them."""
    return Ratio(*await uow.reports.filled(*period.bounds(config.business.zone), _rules(config)))


async def cancellation_rate(uow: UnitOfWork, zone: ZoneInfo, period: Period) -> Cancellations:
    """Orders submitted in the period and cancelled since, with when and why."""
    first, after = period.bounds(zone)
    cancelled = await uow.reports.cancelled(first, after)
    stages = {stage: 0 for stage in CancelStage}
    for c in cancelled:
        stages[cancel_stage(c.before, c.reason)] += c.orders
    return Cancellations(
        submitted=await uow.reports.submitted(first, after),
        cancelled=sum(c.orders for c in cancelled),
        stages=tuple((stage, n) for stage, n in stages.items() if n),
        reasons=group_counted_reasons((c.reason, c.orders) for c in cancelled),
    )


async def receivables_ageing(uow: UnitOfWork, today: date) -> Receivables:
    """What is owed and overdue today, by age (FinanceService's summary)."""
    return await summarise(uow, today)


async def ratings(uow: UnitOfWork, zone: ZoneInfo, period: Period) -> Ratings:
    """Ratings given in the period: per star, average, the newest comments."""
    first, after = period.bounds(zone)
    return Ratings(
        period=period,
        summary=rating_summary(await uow.reports.ratings(first, after)),
        comments=tuple(await uow.reports.comments(first, after, COMMENTS)),
    )


class ReportService(Service):
    """Figures for /report, each checked against Permission.VIEW_REPORTS."""

    @property
    def zone(self) -> ZoneInfo:
        """The business time zone, in which days begin and end."""
        return self.config.business.zone

    def period(self, kind: PeriodKind) -> Period:
        """Today, this week or this month, up to today."""
        return period_for(kind, self.today())

    @asynccontextmanager
    async def _reading(self, actor: User) -> AsyncIterator[UnitOfWork]:
        """Checked (a refusal audited), then a long read: on the long-read connection, so
        that customers' units of work never wait for a report (benchmarks/no_stall.py)."""
        async with self.db.unit_of_work() as uow:
            await authorize(
                uow, self.config, actor, Permission.VIEW_REPORTS, "report", self.clock.now()
            )
        async with self.db.reader(long=True) as uow:
            yield uow

    async def check(self, actor: User) -> None:
        """Refuse (audited) anyone who may not read reports."""
        async with self._reading(actor):
            pass

    async def sales_by_day(self, actor: User, period: Period) -> SalesByDay:
        """Sales by day (see sales_by_day)."""
        async with self._reading(actor) as uow:
            return await sales_by_day(uow, self.zone, period)

    async def top_products(
        self, actor: User, period: Period, limit: int = TOP
    ) -> tuple[ProductSales, ...]:
        """Best-selling products: units ordered less cancelled, at the line's unit price."""
        async with self._reading(actor) as uow:
            first, after = period.bounds(self.zone)
            return tuple(await uow.reports.top_products(first, after, actor.language, limit))

    async def top_customers(
        self, actor: User, period: Period, limit: int = TOP
    ) -> tuple[CustomerSales, ...]:
        """Customers with the largest sales (order totals)."""
        async with self._reading(actor) as uow:
            return tuple(await uow.reports.top_customers(*period.bounds(self.zone), limit))

    async def top(self, actor: User, period: Period) -> Top:
        """Top products and top customers, for one screen."""
        return Top(
            period=period,
            products=await self.top_products(actor, period),
            customers=await self.top_customers(actor, period),
        )

    async def sales_by_rep(self, actor: User, period: Period) -> BySalesRep:
        """Sales per rep (the customer's rep when the order came in)."""
        async with self._reading(actor) as uow:
            reps = await uow.reports.sales_by_rep(*period.bounds(self.zone))
        return BySalesRep(period=period, reps=tuple(reps))

    async def time_to_approval(self, actor: User, period: Period) -> DurationStats:
        """Submission to approval (see time_to_approval)."""
        async with self._reading(actor) as uow:
            return await time_to_approval(uow, self.zone, period)

    async def time_to_shipment(self, actor: User, period: Period) -> DurationStats:
        """Submission to the last shipment (see time_to_shipment)."""
        async with self._reading(actor) as uow:
            return await time_to_shipment(uow, self.zone, period)

    async def on_time_delivery_rate(self, actor: User, period: Period) -> Ratio:
        """Delivered by the due day (see on_time_delivery_rate)."""
        async with self._reading(actor) as uow:
            return await on_time_delivery_rate(uow, self.config, period)

    async def fill_rate(self, actor: User, period: Period) -> Ratio:
        """Shipped complete and on time (see fill_rate)."""
        async with self._reading(actor) as uow:
            return await fill_rate(uow, self.config, period)

    async def cancellation_rate(self, actor: User, period: Period) -> Cancellations:
        """Cancelled of submitted, with reasons (see cancellation_rate)."""
        async with self._reading(actor) as uow:
            return await cancellation_rate(uow, self.zone, period)

    async def receivables_ageing(self, actor: User) -> Receivables:
        """Outstanding and overdue today, by age."""
        async with self._reading(actor) as uow:
            return await receivables_ageing(uow, self.today())

    async def kpis(self, actor: User, period: Period) -> Kpis:
        """Every KPI of the period in one read, for one screen."""
        today = self.today()
        async with self._reading(actor) as uow:
            return Kpis(
                period=period,
                approval=await time_to_approval(uow, self.zone, period),
                shipment=await time_to_shipment(uow, self.zone, period),
                on_time=await on_time_delivery_rate(uow, self.config, period),
                fill=await fill_rate(uow, self.config, period),
                cancellations=await cancellation_rate(uow, self.zone, period),
                today=today,
                receivables=await receivables_ageing(uow, today),
            )

    async def ratings(self, actor: User, period: Period) -> Ratings:
        """Ratings given in the period (see ratings)."""
        async with self._reading(actor) as uow:
            return await ratings(uow, self.zone, period)
