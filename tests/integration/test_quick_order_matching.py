"""Quick order against the demo catalog on a real SQLite file: exact SKUs and clear names are
certain, close calls are asked (never guessed), the rest is not found; the cart takes the lines
as it takes any (stock, limits)."""

from __future__ import annotations

import pytest

from bot.clock import FixedClock
from bot.config import Config
from bot.db import Database
from bot.domain.errors import NotAllowed, StaffNotFound
from bot.domain.product_match import MatchKind
from bot.domain.quick_order import QuickOrder
from bot.services import Services
from bot.services.quick_order import NotAdded
from tests.integration.helpers import customer

# Typed words → how sure, and the SKUs offered (certain: the one; unsure: every candidate).
CASES: list[tuple[str, MatchKind, set[str]]] = [
    ("A4 paper", MatchKind.CERTAIN, {"PAP-A4-80"}),
    ("a4 copy paper", MatchKind.CERTAIN, {"PAP-A4-80"}),
    ("A4 papr", MatchKind.CERTAIN, {"PAP-A4-80"}),
    ("paper A4 80g", MatchKind.CERTAIN, {"PAP-A4-80"}),
    ("A3 paper", MatchKind.CERTAIN, {"PAP-A3-80"}),
    ("A4 copy paper 80 g (500 sheets)", MatchKind.CERTAIN, {"PAP-A4-80"}),
    ("a3 copy paper 80g", MatchKind.CERTAIN, {"PAP-A3-80"}),
    ("stapler 24", MatchKind.CERTAIN, {"STP-24"}),
    ("toner tn2420", MatchKind.CERTAIN, {"TN-2420"}),
    ("TN 2420", MatchKind.CERTAIN, {"TN-2420"}),
    ("stp24", MatchKind.CERTAIN, {"STP-24"}),
    ("pap-a4-80", MatchKind.CERTAIN, {"PAP-A4-80"}),
    ("stapler", MatchKind.CERTAIN, {"STP-24"}),
    ("staples", MatchKind.CERTAIN, {"STP-REFILL"}),
    ("tonre", MatchKind.CERTAIN, {"TN-2420"}),
    ("notbook", MatchKind.CERTAIN, {"NB-A5-DOT"}),
    ("blue pens", MatchKind.CERTAIN, {"PEN-BLU-12"}),
    ("A4纸", MatchKind.CERTAIN, {"PAP-A4-80"}),
    ("订书机", MatchKind.CERTAIN, {"STP-24"}),
    ("订书钉", MatchKind.CERTAIN, {"STP-REFILL"}),
    ("硒鼓", MatchKind.CERTAIN, {"TN-2420"}),
    ("圆珠笔", MatchKind.CERTAIN, {"PEN-BLU-12"}),
    ("степлер", MatchKind.CERTAIN, {"STP-24"}),
    ("бумага а4", MatchKind.CERTAIN, {"PAP-A4-80"}),
    # Close calls: asked, with the candidates.
    ("stapel", MatchKind.UNSURE, {"STP-24", "STP-REFILL"}),
    ("staple", MatchKind.UNSURE, {"STP-24", "STP-REFILL"}),
    ("paper", MatchKind.UNSURE, {"PAP-A4-80", "PAP-A3-80", "STP-24"}),
    ("copy paper", MatchKind.UNSURE, {"PAP-A4-80", "PAP-A3-80"}),
    ("printer paper", MatchKind.UNSURE, {"PAP-A4-80", "PAP-A3-80"}),
    ("复印纸", MatchKind.UNSURE, {"PAP-A4-80", "PAP-A3-80"}),
    ("笔", MatchKind.UNSURE, {"PEN-BLU-12", "NB-A5-DOT"}),
    ("ink cartridge", MatchKind.UNSURE, {"INK-CMY-SET"}),
    # Nothing like it.
    ("coffee", MatchKind.NOT_FOUND, set()),
    ("NOPE-1", MatchKind.NOT_FOUND, set()),
    ("laptop", MatchKind.NOT_FOUND, set()),
]


@pytest.mark.parametrize(("words", "kind", "skus"), CASES, ids=[c[0] for c in CASES])
async def test_matching_on_the_demo_catalog(
    services: Services, words: str, kind: MatchKind, skus: set[str]
) -> None:
    ann = await customer(services, 7001)
    view = await services.quick_order.understand(ann, f"2 x {words}")
    (line,) = view.order.lines
    assert line.kind is kind, (words, line)
    assert {view.products[pid].sku for pid in line.candidates} == skus
    assert line.qty == 2
    if kind is MatchKind.CERTAIN:
        assert line.chosen is not None and view.cart.lines[0].qty == 2
    else:
        assert line.chosen is None and not view.cart.lines, "never picked silently"
    assert len(line.candidates) <= 3


async def test_a_whole_message_in_english_and_chinese(services: Services) -> None:
    ann = await customer(services, 7002, "zh")
    view = await services.quick_order.understand(
        ann, "3 x A4 paper, 2 toner TN-2420, 1 stapel\nA4纸 3箱\n两盒订书钉\n一次性杯子"
    )
    kinds = [line.kind for line in view.order.lines]
    assert kinds == [
        MatchKind.CERTAIN,
        MatchKind.CERTAIN,
        MatchKind.UNSURE,
        MatchKind.CERTAIN,
        MatchKind.CERTAIN,
        MatchKind.NOT_FOUND,
    ]
    assert not view.order.resolved
    paper = next(p for p in view.products.values() if p.sku == "PAP-A4-80")
    assert paper.name == "A4复印纸 80克（500张）", "names in the reader's language"
    assert dict(view.order.items())[paper.id] == 6, "3 + 3 of the same paper"
    line = next(c for c in view.cart.lines if c.product_id == paper.id)
    assert line.unit_price == 2500, "6 units: below the 10-unit tier"
    stapel = view.order.lines[2]
    picked = await services.quick_order.view(ann, view.order.choose(2, stapel.candidates[0]))
    assert picked.order.resolved and len(picked.cart.lines) == 4


async def test_inactive_products_are_never_matched(services: Services, db: Database) -> None:
    async with db.unit_of_work() as uow:
        await db.connection.execute("UPDATE products SET active = 0 WHERE sku = 'STP-24'")
        await uow.commit()
    ann = await customer(services, 7003)
    view = await services.quick_order.understand(ann, "STP-24 2, stapler")
    offered = {view.products[p].sku for line in view.order.lines for p in line.candidates}
    assert "STP-24" not in offered
    assert all(line.kind is not MatchKind.CERTAIN for line in view.order.lines[:1])


async def test_the_cart_takes_what_it_can_and_says_why_not(services: Services) -> None:
    ann = await customer(services, 7004)
    view = await services.quick_order.understand(
        ann, "5 A5 dotted notebook, 2 blue pens, 3 x A4 paper, 4 ink set"
    )
    assert view.order.resolved
    result = await services.quick_order.add_to_cart(ann, view.order)
    in_cart = {line.sku: line.qty for line in result.cart.lines}
    assert in_cart == {"PAP-A4-80": 3, "INK-CMY-SET": 4}, "pre-orders are taken"
    refused = {r.name: (r.reason, r.available) for r in result.refused}
    assert refused == {
        "A5 dotted notebook": (NotAdded.STOCK, 4),
        "Blue ballpoint pens (12)": (NotAdded.STOCK, 0),
    }
    again = await services.quick_order.add_to_cart(ann, view.order)
    assert {line.sku: line.qty for line in again.cart.lines}["PAP-A4-80"] == 6


async def test_over_the_cart_limit_is_refused(db: Database, clock: FixedClock) -> None:
    from tests.conftest import make_config

    config: Config = make_config(db.path, checkout={"max_quantity": 5})
    services = Services.build(db, config, clock)
    ann = await customer(services, 7005)
    view = await services.quick_order.understand(ann, "4 staples")
    await services.quick_order.add_to_cart(ann, view.order)
    result = await services.quick_order.add_to_cart(ann, view.order)
    assert [r.reason for r in result.refused] == [NotAdded.LIMIT]
    assert result.cart.lines[0].qty == 4


async def test_an_unresolved_order_is_not_added(services: Services) -> None:
    ann = await customer(services, 7006)
    view = await services.quick_order.understand(ann, "stapel")
    from bot.domain.errors import DraftIncomplete

    with pytest.raises(DraftIncomplete):
        await services.quick_order.add_to_cart(ann, view.order)
    assert not (await services.cart.view(ann)).lines


async def test_staff_match_for_their_customers_only(services: Services, db: Database) -> None:
    ann = await customer(services, 7007)
    rep = await services.users.identify(8001, "Sam", None, "en")
    async with db.unit_of_work() as uow:
        await db.connection.execute(
            "INSERT INTO user_roles (user_id, role, granted_at) VALUES (?, 'sales_rep', 'now')",
            (rep.id,),
        )
        await uow.commit()
    cid = (await services.customers.get(ann)).id  # type: ignore[union-attr]
    with pytest.raises(NotAllowed):
        await services.quick_order.understand_for(rep, cid, "2 stapler")
    async with db.unit_of_work() as uow:
        await db.connection.execute("UPDATE customers SET rep_id = ? WHERE id = ?", (rep.id, cid))
        await uow.commit()
    view = await services.quick_order.understand_for(rep, cid, "2 stapler, stapel")
    assert view.sku_items() == [("STP-24", 2)] and not view.order.resolved
    order = QuickOrder.model_validate(view.order.model_dump())
    again = await services.quick_order.view_for(rep, cid, order.skip(1))
    assert again.order.resolved and again.sku_items() == [("STP-24", 2)]
    with pytest.raises(StaffNotFound):
        await services.quick_order.understand_for(rep, 999, "2 stapler")
