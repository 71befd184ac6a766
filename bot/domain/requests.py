"""Customers' requests after approval: what they ask for and where the request stands."""

from __future__ import annotations

from enum import StrEnum


class RequestKind(StrEnum):
    """What a customer asks of an approved order (the stored `order_requests.kind`)."""

    CANCEL = "cancel"
    CHANGE = "change"


class RequestState(StrEnum):
    """Where a request stands (the stored `order_requests.state`)."""

    OPEN = "open"
    APPROVED = "approved"
    DECLINED = "declined"
