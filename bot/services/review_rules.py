"""The checks made on an order (on submission and after every change) and who decides it."""

from __future__ import annotations

from datetime import date, datetime

from bot.config import Config
from bot.db import UnitOfWork
from bot.domain import access
from bot.domain.models import Customer, Order, OrderLine, PaymentKind, User
from bot.domain.notices import NoticeKind
from bot.domain.review import Finding, ReviewInput, Route, review
from bot.domain.roles import Role
from bot.services.notices import OrderRef, post


async def admin_ids(uow: UnitOfWork, config: Config) -> list[int]:
    """The administrators' user ids: those given the role, then those named in the config."""
    ids = await uow.staff.with_role(Role.ADMIN)
    for telegram_id in config.business.admins:
        admin = await uow.users.by_telegram_id(telegram_id)
        if admin is not None:
            ids.append(admin.id)
    return list(dict.fromkeys(ids))


async def deciders(
    uow: UnitOfWork, config: Config, route: Route, rep_id: int | None
) -> list[User]:
    """Who decides an order on this route (`access.deciders`): its rep, if still one, else the
    managers, else the administrators."""
    rep = rep_id if rep_id and access.is_rep(await uow.staff.roles(rep_id)) else None
    managers = await uow.staff.with_role(Role.SALES_MANAGER)
    admins = [] if managers else await admin_ids(uow, config)
    ids = access.deciders(route, rep, managers, admins)
    return [u for u in [await uow.users.by_id(i) for i in ids] if u is not None]


async def tell_deciders(
    uow: UnitOfWork,
    config: Config,
    order_id: int,
    route: Route,
    people: list[User],
    now: datetime,
) -> None:
    """The new-order card to those who decide it (the managers: their group, if they have one)."""
    ref = OrderRef(order_id=order_id)
    if route is Route.MANAGER:
        role = Role.SALES_MANAGER
        await post(uow, config, NoticeKind.NEW_ORDER, ref, people, now, role=role)
    elif people:
        await post(uow, config, NoticeKind.NEW_ORDER, ref, people, now)


async def tell_rep(
    uow: UnitOfWork,
    config: Config,
    order_id: int,
    rep_id: int | None,
    told: list[User],
    actor_id: int,
    now: datetime,
) -> None:
    """A customer's rep hears of each new order of their customer: the card, for their
    information, when others decide it (the managers) or nobody does (it approved itself).
    Not when they were told already (`told`: the deciders) or placed the order themselves."""
    if rep_id is None or rep_id == actor_id or any(u.id == rep_id for u in told):
        return
    rep = await uow.users.by_id(rep_id)
    if rep is not None and access.is_rep(await uow.staff.roles(rep_id)):
        ref = OrderRef(order_id=order_id)
        await post(uow, config, NoticeKind.CUSTOMER_ORDERED, ref, [rep], now)


async def rep_discount_limit_bp(uow: UnitOfWork, config: Config, rep_id: int | None) -> int:
    """The deepest discount a rep may approve, in basis points: their own limit if an
    administrator set one (/staff), else the configuration's."""
    own = await uow.staff.discount_limit(rep_id) if rep_id is not None else None
    return default_discount_limit_bp(config) if own is None else own


def default_discount_limit_bp(config: Config) -> int:
    """A rep's discount limit when they have none of their own, in basis points."""
    return int(config.review.rep_discount_limit_percent * 100)


async def run_checks(
    uow: UnitOfWork,
    config: Config,
    order: Order,
    customer: Customer,
    lines: list[OrderLine],
    discount_bp: int,
    today: date,
) -> tuple[list[Finding], Route]:
    """The findings and route of an order, from its current lines, totals and customer."""
    term = config.payment_term(order.payment_term)
    uses_credit = term is not None and term.kind in (PaymentKind.NET, PaymentKind.INSTALMENTS)
    r = config.review
    return review(
        ReviewInput(
            total=order.totals.total,
            fully_reserved=all(x.reserved_qty == x.qty for x in lines),
            uses_credit=uses_credit,
            open_balance=await uow.orders.open_balance(customer.id) - order.totals.total,
            credit_limit=customer.credit_limit,
            discount_bp=discount_bp,
            rep_discount_limit_bp=await rep_discount_limit_bp(uow, config, customer.rep_id),
            manager_threshold=config.minor(r.manager_threshold),
            trusted=customer.trusted,
            auto_term=order.payment_term in r.auto_approve_terms,
            auto_limit=config.minor(r.auto_approve_limit),
            has_rep=customer.rep_id is not None,
            overdue=await uow.payments.overdue(customer.id, today),
        )
    )


async def recheck(
    uow: UnitOfWork, config: Config, order: Order, customer: Customer, now: datetime
) -> Route:
    """Run the checks again after a change; an order on the rep's route that now breaks a limit
    goes to the managers, who are told (the order's route after it is returned)."""
    found = await uow.reviews.route(order.id)
    route = found.route if found else Route.MANAGER
    set_bp = await uow.reviews.discount_bp(order.id)
    findings, new_route = await run_checks(
        uow,
        config,
        order,
        customer,
        await uow.orders.lines(order.id),
        customer.discount_bp if set_bp is None else set_bp,
        now.astimezone(config.business.zone).date(),
    )
    await uow.reviews.replace_findings(order.id, findings)
    if new_route is Route.MANAGER and route is not Route.MANAGER:
        await uow.reviews.escalate(order.id)
        managers = await deciders(uow, config, Route.MANAGER, None)
        await tell_deciders(uow, config, order.id, Route.MANAGER, managers, now)
        return Route.MANAGER
    return route
