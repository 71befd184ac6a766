"""The order state machine: which status may follow which, and what a step needs."""

from __future__ import annotations

from bot.domain.errors import ReasonRequired, TransitionRefused
from bot.domain.models import OrderStatus as S

TRANSITIONS: dict[S, frozenset[S]] = {
    S.SUBMITTED: frozenset({S.APPROVED, S.REJECTED, S.CANCELLED}),
    S.APPROVED: frozenset({S.PARTIALLY_SHIPPED, S.SHIPPED, S.CANCELLED}),
    S.PARTIALLY_SHIPPED: frozenset({S.SHIPPED}),
    S.SHIPPED: frozenset({S.DELIVERED}),
    S.DELIVERED: frozenset({S.COMPLETED}),
    S.REJECTED: frozenset(),
    S.CANCELLED: frozenset(),
    S.COMPLETED: frozenset(),
}

NEEDS_REASON: frozenset[S] = frozenset({S.REJECTED, S.CANCELLED})

# Statuses in which the order holds reserved stock; leaving them for these releases it.
RELEASES_STOCK: frozenset[S] = frozenset({S.REJECTED, S.CANCELLED})

# Statuses in which a customer may change their order (the service's check and the card's button).
CHANGEABLE: frozenset[S] = frozenset({S.SUBMITTED, S.APPROVED})


def check_transition(current: S, wanted: S, reason: str | None) -> None:
    """Raise unless an order in `current` may move to `wanted` with this reason."""
    if wanted not in TRANSITIONS[current]:
        raise TransitionRefused(current=current, wanted=wanted)
    if wanted in NEEDS_REASON and not (reason and reason.strip()):
        raise ReasonRequired()


def customer_may_cancel(status: S) -> bool:
    """A customer cancels on their own only before approval."""
    return status is S.SUBMITTED


def customer_may_ask_to_cancel(status: S) -> bool:
    """After approval, and before anything ships, a customer may ask staff to cancel."""
    return status is S.APPROVED


def staff_may_cancel_for(status: S) -> bool:
    """Staff cancel for a customer (who phoned) what the customer may ask them to."""
    return customer_may_ask_to_cancel(status)
