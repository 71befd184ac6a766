"""Statements of account (对账单): for a customer (their own), for staff who see receivables
(any customer) and for a sales rep (their own customers); and the monthly ones, posted once
per customer and month."""

from __future__ import annotations

from datetime import date, datetime
from typing import NoReturn

from pydantic import BaseModel, ConfigDict

from bot.config import SellerConfig
from bot.db import UnitOfWork
from bot.db.statements import Bounds
from bot.domain.access import is_rep
from bot.domain.audit import AuditAction
from bot.domain.errors import NotAllowed, NotRegistered, StaffNotFound
from bot.domain.models import Customer, User
from bot.domain.notices import NoticeKind
from bot.domain.parsing import parse_search
from bot.domain.reports import Period
from bot.domain.roles import Permission, Role, allowed
from bot.domain.statement import (
    Presets,
    Statement,
    build,
    month_key,
    monthly_due,
    preset_period,
    previous_month,
)
from bot.services.base import Service, deny, roles_of
from bot.services.notices import post

SEARCH_LIMIT = 10


class StatementView(BaseModel):
    """A statement and who it is of, for whom: `own` when the reader is that customer."""

    model_config = ConfigDict(frozen=True)

    customer: Customer
    customer_user: User
    statement: Statement
    issued_on: date
    seller: SellerConfig
    currency: str
    own: bool


class AskWhose(BaseModel):
    """/statement from staff who named nobody: ask whose statement."""

    model_config = ConfigDict(frozen=True)


class Shown(BaseModel):
    """One customer (the reader's own, or the one name found): their statement this month."""

    model_config = ConfigDict(frozen=True)

    view: StatementView


class Choose(BaseModel):
    """Several customers found: one is picked (their statement of `period`)."""

    model_config = ConfigDict(frozen=True)

    customers: tuple[Customer, ...]
    period: Period


class NobodyFound(BaseModel):
    """Nobody by that name (among the rep's own): another name is asked."""

    model_config = ConfigDict(frozen=True)


Lookup = AskWhose | Shown | Choose | NobodyFound  # what /statement [NAME] leads to


class StatementNotice(BaseModel):
    """A monthly statement posted to a customer (rendered as a PDF when sent)."""

    model_config = ConfigDict(frozen=True)

    customer_id: int
    start: date
    end: date


def _staff_scope(roles: frozenset[Role], actor: User) -> tuple[bool, int | None]:
    """(may see others' statements, only the customers of this rep)."""
    if allowed(roles, Permission.VIEW_RECEIVABLES):
        return True, None
    if is_rep(roles):
        return True, actor.id
    return False, None


class StatementService(Service):
    """Statements of account, checked against who asks."""

    def bounds(self, period: Period) -> Bounds:
        """A period's days and moments in the business time zone."""
        first, after = period.bounds(self.config.business.zone)
        return Bounds(period.start, first, period.end, after)

    async def lookup(self, actor: User, words: str) -> Lookup:
        """/statement [WORDS]: a customer's own statement; staff name the customer (a rep
        among their own): one found is shown (this month), several are offered, none asks
        again. A customer or other staff naming someone is refused, and the attempt audited."""
        found = await self._find(actor, words)
        this_month = preset_period(Presets.THIS_MONTH, self.today())
        if found is None:
            return AskWhose()
        if len(found) == 1:
            return Shown(view=await self.statement(actor, found[0].id, this_month))
        if found:
            return Choose(customers=found, period=this_month)
        return NobodyFound()

    async def _find(self, actor: User, words: str) -> tuple[Customer, ...] | None:
        """The customers named (the reader themselves when a customer names nobody); None:
        staff who named nobody."""
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            roles = await roles_of(uow, self.config, actor)
            staff, rep = _staff_scope(roles, actor)
            if words.strip():
                if not staff:
                    await deny(uow, actor, "statement", now)
                query = parse_search(words)
                return tuple(await uow.customers.search(query, rep, SEARCH_LIMIT))
            if staff:
                return None
            customer = await uow.customers.by_user(actor.id)
            if customer is None:
                if roles:
                    await deny(uow, actor, "statement", now)
                raise NotRegistered()
            return (customer,)

    async def statement(self, actor: User, customer_id: int, period: Period) -> StatementView:
        """One customer's statement for a period: to that customer, to staff who see
        receivables, to the customer's own rep. Anyone else is refused, and audited."""
        return await self._view(customer_id, period, own=await self.check(actor, customer_id))

    async def check(self, actor: User, customer_id: int) -> bool:
        """Whether the actor may see this customer's statement (True: it is their own); if not,
        the attempt is audited and refused. StaffNotFound for staff naming nobody known."""
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            customer = await uow.customers.by_id(customer_id)
            if customer is not None and customer.user_id == actor.id:
                return True
            roles = await roles_of(uow, self.config, actor)
            staff, rep = _staff_scope(roles, actor)
            if not staff or (customer is not None and rep not in (None, customer.rep_id)):
                await self._refuse(uow, actor, customer_id if customer else None, now)
            if customer is None:
                raise StaffNotFound()
        return False

    async def _refuse(
        self, uow: UnitOfWork, actor: User, customer_id: int | None, now: datetime
    ) -> NoReturn:
        """Audit a refused statement (against the customer it named, if any), commit, raise."""
        await uow.audit.record(
            at=now,
            actor_id=actor.id,
            entity="customer" if customer_id is not None else "user",
            entity_id=customer_id if customer_id is not None else actor.id,
            action=AuditAction.DENIED,
            after="statement",
        )
        await uow.commit()
        raise NotAllowed()

    async def for_notice(self, customer_id: int, start: date, end: date) -> StatementView:
        """A monthly statement as its customer reads it (the outbox sends it to them)."""
        return await self._view(customer_id, Period(start, end), own=True)

    async def _view(self, customer_id: int, period: Period, *, own: bool) -> StatementView:
        bounds = self.bounds(period)
        async with self.db.reader(long=True) as uow:
            customer = await uow.customers.by_id(customer_id)
            if customer is None:
                raise StaffNotFound()
            user = await uow.users.by_id(customer.user_id)
            assert user is not None, "customers always have their user"
            opening = await uow.statements.opening(customer.id, bounds)
            entries = await uow.statements.movements(
                customer.id, bounds, self.config.business.zone
            )
        return StatementView(
            customer=customer,
            customer_user=user,
            statement=build(entries, period.start, period.end, opening),
            issued_on=self.today(),
            seller=self.config.seller,
            currency=self.config.business.currency,
            own=own,
        )

    async def post_monthly(self) -> int:
        """When the configured day and hour have come: last month's statement posted to every
        customer with an entry in it or a balance at its end, once per customer and month (a
        row for each, written with its notice). Returns how many were posted."""
        settings = self.config.statements
        now = self.clock.now()
        local = now.astimezone(self.config.business.zone)
        if not settings.monthly or not monthly_due(local, settings.day, settings.hour):
            return 0
        period = previous_month(local.date())
        month = month_key(period)
        notice = StatementNotice(customer_id=0, start=period.start, end=period.end)
        posted = 0
        async with self.db.unit_of_work(claims_update=False, long=True) as uow:
            for due in await uow.statements.due_monthly(month, self.bounds(period)):
                customer = await uow.customers.by_id(due.customer_id)
                user = await uow.users.by_id(customer.user_id) if customer else None
                if user is None or not await uow.statements.mark_posted(
                    due.customer_id, month, due.closing, now
                ):
                    continue
                data = notice.model_copy(update={"customer_id": due.customer_id})
                await post(uow, self.config, NoticeKind.STATEMENT, data, [user], now)
                posted += 1
            await uow.commit()
        return posted
