"""Who may do what to which order or customer (bot/domain/access.py)."""

from __future__ import annotations

import pytest

from bot.domain.access import (
    Lens,
    deciders,
    decides_orders,
    is_manager,
    is_own_rep,
    is_rep,
    lens_for,
    may_act_for,
    may_decide,
    may_edit_catalog,
    may_exceed_rep_limits,
    may_pause_reminders,
    may_view_review,
    scope_of,
)
from bot.domain.review import Route
from bot.domain.roles import Role

ME, OTHER = 7, 8
NOBODY: frozenset[Role] = frozenset()
REP = frozenset({Role.SALES_REP})
MANAGER = frozenset({Role.SALES_MANAGER})
ADMIN = frozenset({Role.ADMIN})
WAREHOUSE = frozenset({Role.WAREHOUSE})
FINANCE = frozenset({Role.FINANCE})


@pytest.mark.parametrize(
    ("route", "rep", "managers", "admins", "expected"),
    [
        (Route.REP, ME, [1, 2], [9], [ME]),  # the rep's route: the rep alone
        (Route.REP, None, [1, 2], [9], [1, 2]),  # no rep (or no longer one): the managers
        (Route.REP, None, [], [9, 9, 10], [9, 10]),  # nor managers: the admins, once each
        (Route.MANAGER, ME, [1], [9], [1]),  # the managers' route skips the rep
        (Route.MANAGER, ME, [], [9], [9]),
        (Route.MANAGER, None, [], [], []),
        (Route.AUTO, ME, [1], [9], [1]),  # approved by itself: the managers are shown it
        (Route.AUTO, None, [], [9], []),  # ... and nobody else has anything to decide
    ],
)
def test_who_decides_an_order(
    route: Route, rep: int | None, managers: list[int], admins: list[int], expected: list[int]
) -> None:
    assert deciders(route, rep, managers, admins) == expected


def test_managers_and_admins_act_for_every_customer_a_rep_for_their_own() -> None:
    for roles in (MANAGER, ADMIN, MANAGER | REP):
        assert is_manager(roles)
        assert may_act_for(roles, ME, OTHER) and may_act_for(roles, ME, None)
    assert is_rep(REP) and is_rep(REP | WAREHOUSE) and not is_rep(MANAGER | ADMIN)
    assert is_own_rep(REP, ME, ME) and may_act_for(REP, ME, ME)
    assert not may_act_for(REP, ME, OTHER) and not may_act_for(REP, ME, None)
    for roles in (NOBODY, WAREHOUSE, FINANCE, WAREHOUSE | FINANCE):
        assert not is_manager(roles) and not may_act_for(roles, ME, ME)
    # being the customer's rep on paper is not enough without the role
    assert not is_own_rep(WAREHOUSE, ME, ME)


def test_deciding_an_order_and_seeing_its_checks() -> None:
    for route in Route:
        assert may_decide(MANAGER, ME, OTHER, route) and may_decide(ADMIN, ME, None, route)
        assert not may_decide(REP, ME, OTHER, route)
        assert not may_decide(FINANCE | WAREHOUSE, ME, ME, route)
        assert may_view_review(REP, ME, ME)  # the rep still sees an escalated order
    assert may_decide(REP, ME, ME, Route.REP)
    assert not may_decide(REP, ME, ME, Route.MANAGER)
    assert not may_view_review(REP, ME, OTHER)
    assert may_exceed_rep_limits(MANAGER) and may_exceed_rep_limits(ADMIN)
    assert not may_exceed_rep_limits(REP)
    assert decides_orders(REP) and decides_orders(MANAGER) and decides_orders(ADMIN)
    assert not decides_orders(FINANCE | WAREHOUSE)


def test_pausing_reminders_and_editing_the_catalog() -> None:
    for roles in (MANAGER, FINANCE, ADMIN):
        assert may_pause_reminders(roles, ME, OTHER)
    assert may_pause_reminders(REP, ME, ME) and not may_pause_reminders(REP, ME, OTHER)
    assert not may_pause_reminders(WAREHOUSE, ME, ME)
    assert may_edit_catalog(ADMIN, managers_edit=False)
    assert not may_edit_catalog(MANAGER, managers_edit=False)
    assert may_edit_catalog(MANAGER, managers_edit=True)
    assert not may_edit_catalog(REP | WAREHOUSE | FINANCE, managers_edit=True)


def test_the_staff_lens_on_orders() -> None:
    assert scope_of(NOBODY, ME) is None and lens_for(None, ME) is None
    for roles in (MANAGER, ADMIN, FINANCE, FINANCE | WAREHOUSE):
        scope = scope_of(roles, ME)
        assert lens_for(scope, OTHER) is Lens.FULL and lens_for(scope, None) is Lens.FULL
    rep = scope_of(REP, ME)
    assert lens_for(rep, ME) is Lens.FULL
    assert lens_for(rep, OTHER) is None and lens_for(rep, None) is None
    warehouse = scope_of(WAREHOUSE, ME)
    assert lens_for(warehouse, OTHER) is Lens.GOODS
    both = scope_of(WAREHOUSE | REP, ME)
    assert lens_for(both, ME) is Lens.FULL and lens_for(both, OTHER) is Lens.GOODS
