"""Conversation drafts: each flow's typed draft is kept in user_data as plain JSON (what the
persistence writes), read back as the same model; a missing draft, or one this version cannot
read (stored by an older one), is DraftIncomplete, which asks the person to start again."""

from __future__ import annotations

import json
from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest

from bot.conversations import quick_order
from bot.conversations.batch import DRAFT as BATCH
from bot.conversations.batch import BatchDraft
from bot.conversations.change_order import DRAFT as CHANGE
from bot.conversations.change_order import ChangeDraft
from bot.conversations.common import Drafts, OrderDraft
from bot.conversations.money_steps import MoneyDraft
from bot.conversations.payment import DRAFT as PAYMENT
from bot.conversations.product_editor import DRAFT as EDITOR
from bot.conversations.quick_order import DRAFT as QUICK
from bot.conversations.refund import DRAFT as REFUND
from bot.conversations.ship import DRAFT as SHIPMENT
from bot.conversations.ship import ShipmentDraft
from bot.domain.errors import DraftIncomplete
from bot.domain.models import OrderChange, Unit
from bot.domain.payments import Method
from bot.domain.product_match import MatchKind
from bot.domain.quick_order import QuickLine, QuickOrder
from bot.services.batch_orders import BatchOrder
from bot.ui.callbacks import BadCallback


def context(user_data: dict[str, Any] | None = None) -> Any:
    """What Drafts reads of a callback context: the person's user_data."""
    return SimpleNamespace(user_data={} if user_data is None else user_data)


def persisted(ctx: Any) -> Any:
    """user_data as it comes back from the database after a restart."""
    return context(json.loads(json.dumps(ctx.user_data)))


def test_a_draft_survives_the_persistence_as_the_same_model() -> None:
    ctx = context()
    draft = MoneyDraft(order=7, number="SO-20261123-0001", token="t", full=23500)
    PAYMENT.save(ctx, draft)
    PAYMENT.update(ctx, amount=10000, method=Method.CASH, day=date(2026, 11, 23))
    assert ctx.user_data["payment"]["day"] == "2026-11-23", "stored as plain JSON"
    again = PAYMENT.load(persisted(ctx))
    assert again.entered() == (10000, Method.CASH, date(2026, 11, 23))
    assert again.full == 23500 and again.token == "t"

    SHIPMENT.save(ctx, ShipmentDraft(order=1, qty={11: 2, 12: 0}, token="s"))
    assert SHIPMENT.load(persisted(ctx)).qty == {11: 2, 12: 0}, "int keys through JSON"
    change = OrderChange(line_id=3, qty=4)
    CHANGE.save(ctx, ChangeDraft(order=1, field="qty", line=3, change=change))
    assert CHANGE.load(persisted(ctx)).change == change
    EDITOR.save(ctx, EDITOR.model(step="unit"))
    edited = EDITOR.update(persisted(ctx), unit="box", preorder=1, tiers=[[10, 900]])
    assert (edited.unit, edited.preorder, edited.tiers) == (Unit.BOX, True, [(10, 900)])


def test_drafts_of_before_the_upgrade_keep_working_where_their_shape_is_the_same() -> None:
    payment = {"order": 7, "number": "SO-20261123-0001", "owed": 500, "token": "t"}
    assert PAYMENT.load(context({"payment": payment})).full == 500
    refund = {**payment, "due": 300, "amount": 200, "method": "cash", "day": "2026-11-23"}
    del refund["owed"]
    assert REFUND.load(context({"refund": refund})).entered()[0] == 200
    old = {"shipment": {"order": 1, "qty": {"11": 2}, "token": "s", "expected": "2026-12-01"}}
    draft = SHIPMENT.load(context(old))
    assert draft.qty == {11: 2} and draft.expected == date(2026, 12, 1)


@pytest.mark.parametrize(
    "stored",
    [
        None,  # no draft: a stale button, or the flow ended
        {},
        7,  # an order id alone, as some flows kept it before
        True,
        "payment",
        {"order": "SO-20261123-0001", "owed": "lots"},
        {"number": "SO-20261123-0001"},  # required fields missing
    ],
)
def test_a_missing_or_unreadable_draft_is_incomplete(stored: object) -> None:
    drafts = Drafts("flow", OrderDraft)
    ctx = context({} if stored is None else {"flow": stored})
    with pytest.raises(DraftIncomplete):
        drafts.load(ctx)
    with pytest.raises(DraftIncomplete):
        drafts.update(ctx, order=1)


def test_drop_forgets_only_its_own_draft() -> None:
    ctx = context({"flow": {"order": 3}, "other": {"order": 4}})
    drafts = Drafts("flow", OrderDraft)
    assert drafts.load(ctx).order == 3
    drafts.drop(ctx)
    drafts.drop(ctx)  # twice: nothing to forget
    assert ctx.user_data == {"other": {"order": 4}}
    with pytest.raises(DraftIncomplete):
        drafts.load(ctx)


def test_the_quick_order_is_a_typed_draft_and_a_stale_one_has_ended() -> None:
    ctx = context()
    unsure = QuickLine(words="stapel", qty=2, kind=MatchKind.UNSURE, candidates=(5, 6))
    QUICK.save(ctx, QuickOrder(lines=(unsure,)))
    assert ctx.user_data["quick_order"]["lines"][0]["kind"] == "unsure", "plain JSON"
    assert quick_order._load(persisted(ctx)).choose(0, 6).resolved
    for stored in [None, {"lines": [{"words": "stapel"}]}]:  # ended, or unreadable
        with pytest.raises(BadCallback, match="quick order ended"):
            quick_order._load(context({} if stored is None else {"quick_order": stored}))


def test_a_big_draft_is_kept_as_one_json_text_and_reads_back() -> None:
    orders = [
        BatchOrder(
            customer_id=i,
            customer_name=f"Customer {i}",
            ref="",
            rows=(i + 2,),
            items=(("STP-24", 2),),
            delivery="courier",
            address="1 Road",
            term="prepaid",
            note=None,
            subtotal=500,
        )
        for i in range(667)
    ]
    ctx = context()
    BATCH.save(ctx, BatchDraft(token="b", file="orders.csv", orders=orders))
    stored = ctx.user_data["batch"]
    assert isinstance(stored, str), "one text: PTB's deepcopy of user_data copies nothing"
    again = BATCH.load(persisted(ctx))
    assert again.orders == orders and again.token == "b"
    dict_form = {"batch": json.loads(stored)}  # as an earlier version kept it
    assert BATCH.load(context(dict_form)).orders == orders
    with pytest.raises(DraftIncomplete):
        BATCH.load(context({"batch": stored[:-1]}))  # cut short: unreadable
