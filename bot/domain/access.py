"""Who may do what to which order or customer: the one place for these rules (pure, no I/O).

The services look the facts up (roles, the customer's rep, the order's route), ask here, and
audit and raise a refusal when the answer is no. What each role allows in general is the
`PERMISSIONS` table in `bot.domain.roles`; this module adds the rules that depend on whose
order or customer it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from bot.domain.review import Route
from bot.domain.roles import Permission, Role, allowed

MANAGING = frozenset({Role.SALES_MANAGER, Role.ADMIN})


def is_manager(roles: frozenset[Role]) -> bool:
    """A sales manager or an administrator: may act on every customer and order."""
    return bool(roles & MANAGING)


def is_rep(roles: frozenset[Role]) -> bool:
    """A sales rep: looks after their own customers (and sees only theirs, unless another role
    shows more)."""
    return Role.SALES_REP in roles


def is_own_rep(roles: frozenset[Role], actor_id: int, rep_id: int | None) -> bool:
    """The actor is a sales rep and the customer's (or order's) rep."""
    return is_rep(roles) and rep_id is not None and rep_id == actor_id


def may_act_for(roles: frozenset[Role], actor_id: int, rep_id: int | None) -> bool:
    """Act for a customer whose rep is `rep_id` (order for them, decide their requests and
    custom orders): their own rep, a manager or an administrator."""
    return is_manager(roles) or is_own_rep(roles, actor_id, rep_id)


def may_pause_reminders(roles: frozenset[Role], actor_id: int, rep_id: int | None) -> bool:
    """Hold or resume a customer's reminders: who may pause anyone's, and the customer's rep."""
    return allowed(roles, Permission.PAUSE_REMINDERS) or is_own_rep(roles, actor_id, rep_id)


def may_decide(roles: frozenset[Role], actor_id: int, rep_id: int | None, route: Route) -> bool:
    """Decide (approve, adjust, escalate, reject) a submitted order: a manager or an
    administrator always; the order's rep unless it is on the managers' route."""
    return is_manager(roles) or (
        is_own_rep(roles, actor_id, rep_id) and route is not Route.MANAGER
    )


def may_view_review(roles: frozenset[Role], actor_id: int, rep_id: int | None) -> bool:
    """See an order's checks: whoever may decide it, and its rep even once it is escalated."""
    return may_act_for(roles, actor_id, rep_id)


def may_exceed_rep_limits(roles: frozenset[Role]) -> bool:
    """Give more than a rep's discount limit, or a payment term the customer is not offered."""
    return is_manager(roles)


def decides_orders(roles: frozenset[Role]) -> bool:
    """Has a queue of orders waiting for their decision (`/pending`)."""
    return is_manager(roles) or is_rep(roles)


def may_edit_catalog(roles: frozenset[Role], managers_edit: bool) -> bool:
    """Keep products and categories: administrators; managers when the config lets them."""
    managers = managers_edit and Role.SALES_MANAGER in roles
    return managers or allowed(roles, Permission.EDIT_CATALOG)


def deciders(
    route: Route, rep_id: int | None, managers: Sequence[int], admins: Sequence[int]
) -> list[int]:
    """Who decides an order on this route (user ids): its rep (`rep_id`: one who still holds
    the role) on the rep's route, else the managers, else the administrators. An order that
    approved itself is only shown to the managers: nobody else has anything to decide."""
    if route is Route.REP and rep_id is not None:
        return [rep_id]
    if managers or route is Route.AUTO:
        return list(managers)
    return list(dict.fromkeys(admins))


# ---------------------------------------------------------------------- the staff lens on orders


class Lens(StrEnum):
    """How much of an order a role may see."""

    FULL = "full"  # managers, admins, finance, the customer's rep
    GOODS = "goods"  # the warehouse: goods, address, dates; never money


class Scope(BaseModel):
    """Which orders a staff member may see, and how much of them."""

    model_config = ConfigDict(frozen=True)

    everything: Lens | None  # the lens on every order (None: only the rep's own customers')
    rep_id: int | None = None  # a rep: their own customers' orders are seen in full


def scope_of(roles: frozenset[Role], actor_id: int) -> Scope | None:
    """What a person with these roles may see of orders (None: nothing). Managers, admins and
    finance: every order in full; a rep: their own customers' in full; the warehouse: every
    order's goods, never money."""
    rep_id = actor_id if is_rep(roles) else None
    if roles & (MANAGING | {Role.FINANCE}):
        return Scope(everything=Lens.FULL)
    if Role.WAREHOUSE in roles:
        return Scope(everything=Lens.GOODS, rep_id=rep_id)
    if rep_id is not None:
        return Scope(everything=None, rep_id=rep_id)
    return None


def lens_for(scope: Scope | None, rep_id: int | None) -> Lens | None:
    """How much of an order of a customer whose rep is `rep_id` the scope shows (None: not
    at all)."""
    if scope is None:
        return None
    if scope.rep_id is not None and rep_id == scope.rep_id:
        return Lens.FULL
    return scope.everything
