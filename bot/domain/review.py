"""Review on submission: each check's verdict and where the order goes from there."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Check(StrEnum):
    """What is checked when an order is submitted."""

    STOCK = "stock"
    CREDIT = "credit"
    OVERDUE = "overdue"
    DISCOUNT = "discount"
    AMOUNT = "amount"


class Verdict(StrEnum):
    """A check's outcome: fine, worth a look, or only a manager may approve."""

    OK = "ok"
    WARN = "warn"
    MANAGER = "manager"


class Route(StrEnum):
    """Who decides: nobody (approved at once), the customer's rep, or a manager."""

    AUTO = "auto"
    REP = "rep"
    MANAGER = "manager"


@dataclass(frozen=True)
class Finding:
    """One check's verdict, with a figure for people to read (e.g. the amount over the limit)."""

    check: Check
    verdict: Verdict
    detail: int | None = None


@dataclass(frozen=True)
class ReviewInput:
    """What the checks look at, all money in minor units."""

    total: int
    fully_reserved: bool
    uses_credit: bool
    open_balance: int
    credit_limit: int
    discount_bp: int
    rep_discount_limit_bp: int
    manager_threshold: int
    trusted: bool
    auto_term: bool
    auto_limit: int
    has_rep: bool
    overdue: int = 0


def review(x: ReviewInput) -> tuple[list[Finding], Route]:
    """The findings and the route of an order: pure, so every rule is unit-tested."""
    over_credit = x.open_balance + x.total - x.credit_limit
    findings = [
        Finding(Check.STOCK, Verdict.OK if x.fully_reserved else Verdict.WARN),
        Finding(Check.CREDIT, Verdict.MANAGER, over_credit)
        if x.uses_credit and over_credit > 0
        else Finding(Check.CREDIT, Verdict.OK),
        Finding(Check.OVERDUE, Verdict.MANAGER, x.overdue)
        if x.overdue > 0
        else Finding(Check.OVERDUE, Verdict.OK),
        Finding(Check.DISCOUNT, Verdict.MANAGER, x.discount_bp)
        if x.discount_bp > x.rep_discount_limit_bp
        else Finding(Check.DISCOUNT, Verdict.OK, x.discount_bp or None),
        Finding(Check.AMOUNT, Verdict.MANAGER, x.total)
        if x.total > x.manager_threshold
        else Finding(Check.AMOUNT, Verdict.OK),
    ]
    if any(f.verdict is Verdict.MANAGER for f in findings) or not x.has_rep:
        return findings, Route.MANAGER
    simple = all(f.verdict is Verdict.OK for f in findings)
    if simple and x.trusted and x.auto_term and x.total <= x.auto_limit:
        return findings, Route.AUTO
    return findings, Route.REP
