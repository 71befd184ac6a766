"""The order state machine: every allowed step is taken, every other refused."""

from __future__ import annotations

import itertools

import pytest

from bot.domain.errors import ReasonRequired, TransitionRefused
from bot.domain.models import OrderStatus as S
from bot.domain.order_status import NEEDS_REASON, TRANSITIONS, check_transition

ALLOWED = [(a, b) for a, targets in TRANSITIONS.items() for b in targets]
REFUSED = [(a, b) for a, b in itertools.product(S, S) if b not in TRANSITIONS[a]]


def test_every_status_has_a_row() -> None:
    assert set(TRANSITIONS) == set(S)


@pytest.mark.parametrize(("current", "wanted"), ALLOWED)
def test_allowed(current: S, wanted: S) -> None:
    check_transition(current, wanted, "a reason")
    if wanted in NEEDS_REASON:
        with pytest.raises(ReasonRequired):
            check_transition(current, wanted, "  ")


@pytest.mark.parametrize(("current", "wanted"), REFUSED)
def test_refused(current: S, wanted: S) -> None:
    with pytest.raises(TransitionRefused):
        check_transition(current, wanted, "a reason")


def test_never_cancelled_once_shipped() -> None:
    for shipped in (S.PARTIALLY_SHIPPED, S.SHIPPED, S.DELIVERED, S.COMPLETED):
        assert S.CANCELLED not in TRANSITIONS[shipped]
