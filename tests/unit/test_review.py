"""Review rules: every check's verdict and the route it leads to."""

from __future__ import annotations

from dataclasses import replace

from bot.domain.review import Check, ReviewInput, Route, Verdict, review

SIMPLE = ReviewInput(
    total=10_000,
    fully_reserved=True,
    uses_credit=False,
    open_balance=0,
    credit_limit=0,
    discount_bp=0,
    rep_discount_limit_bp=1000,
    manager_threshold=500_000,
    trusted=True,
    auto_term=True,
    auto_limit=50_000,
    has_rep=True,
)


def verdicts(x: ReviewInput) -> dict[Check, Verdict]:
    return {f.check: f.verdict for f in review(x)[0]}


def test_simple_order_of_a_trusted_customer_is_approved_at_once() -> None:
    assert review(SIMPLE)[1] is Route.AUTO
    assert set(verdicts(SIMPLE).values()) == {Verdict.OK}


def test_anything_unusual_goes_to_the_rep() -> None:
    for change in (
        {"trusted": False},
        {"auto_term": False},
        {"total": 50_001},
        {"fully_reserved": False},
    ):
        assert review(replace(SIMPLE, **change))[1] is Route.REP, change  # type: ignore[arg-type]
    assert verdicts(replace(SIMPLE, fully_reserved=False))[Check.STOCK] is Verdict.WARN


def test_manager_rules() -> None:
    over_credit = replace(SIMPLE, uses_credit=True, open_balance=30_000, credit_limit=35_000)
    findings, route = review(over_credit)
    assert route is Route.MANAGER
    credit = next(f for f in findings if f.check is Check.CREDIT)
    assert (credit.verdict, credit.detail) == (Verdict.MANAGER, 5_000)
    assert review(replace(over_credit, credit_limit=40_000))[1] is Route.AUTO
    deep = replace(SIMPLE, discount_bp=1500)
    assert verdicts(deep)[Check.DISCOUNT] is Verdict.MANAGER and review(deep)[1] is Route.MANAGER
    assert review(replace(SIMPLE, discount_bp=1000))[1] is Route.AUTO
    big = replace(SIMPLE, total=500_001, auto_limit=10**9)
    assert verdicts(big)[Check.AMOUNT] is Verdict.MANAGER
    assert review(replace(SIMPLE, has_rep=False))[1] is Route.MANAGER


def test_an_overdue_balance_needs_a_manager() -> None:
    findings, route = review(replace(SIMPLE, overdue=4200))
    assert route is Route.MANAGER
    overdue = next(f for f in findings if f.check is Check.OVERDUE)
    assert (overdue.verdict, overdue.detail) == (Verdict.MANAGER, 4200)
