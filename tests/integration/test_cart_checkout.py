"""Cart and checkout on a real SQLite file: prices, stock, one-transaction submission."""

from __future__ import annotations

import pytest

from bot.db import Database
from bot.domain.errors import (
    CartEmpty,
    DraftIncomplete,
    InvalidInput,
    LinesUnavailable,
    NotEnoughStock,
    NotRegistered,
    OptionNotOffered,
    ProductNotFound,
)
from bot.domain.models import OrderStatus, OrderType
from bot.services import Services
from tests.integration.helpers import customer, draft, product


async def _reserved(db: Database, sku: str) -> int:
    async with db.reader() as uow:
        return await uow.catalog.reserved(sku)


async def test_cart_prices_with_tiers_and_survives_in_the_database(services: Services) -> None:
    user = await customer(services, 1)
    paper = await product(services, "PAP-A4-80")
    await services.cart.add(user, paper.id, 4)
    cart = await services.cart.add(user, paper.id, 6)
    (line,) = cart.lines
    assert (line.qty, line.unit_price, line.total) == (10, 2350, 23500)
    cart = await services.cart.set_quantity(user, paper.id, 50)
    assert cart.lines[0].total == 50 * 2190
    assert (await services.cart.view(user)).subtotal == 109500
    assert (await services.cart.remove(user, paper.id)).lines == ()


async def test_cart_refuses_more_than_stock_and_bad_quantities(services: Services) -> None:
    user = await customer(services, 1)
    notebook = await product(services, "NB-A5-DOT")  # 4 in stock
    with pytest.raises(NotEnoughStock) as caught:
        await services.cart.add(user, notebook.id, 5)
    assert caught.value.available == 4
    with pytest.raises(InvalidInput):
        await services.cart.set_quantity(user, notebook.id, 10**9)
    with pytest.raises(ProductNotFound):
        await services.cart.add(user, 999_999, 1)
    assert (await services.cart.view(user)).lines == ()
    ink = await product(services, "INK-CMY-SET")  # none in stock, pre-order allowed
    cart = await services.cart.add(user, ink.id, 3)
    assert cart.lines[0].qty == 3 and not cart.lines[0].short


async def test_quote_adds_delivery_and_discount(services: Services, db: Database) -> None:
    user = await customer(services, 1)
    toner = await product(services, "TN-2420")
    await services.cart.add(user, toner.id, 5)  # tier 5: 369.00
    async with db.unit_of_work() as uow:
        c = await uow.customers.by_user(user.id)
        assert c is not None
        await uow.customers.set_discount(c.id, 250)  # 2.5 %
        await uow.commit()
    quote = await services.checkout.quote(user, draft())
    # 5 × 369.00 = 1845.00; 2.5 % = 46.125 → 46.13; + 15.00 delivery
    assert quote.totals.subtotal == 184500
    assert quote.totals.discount == 4613
    assert quote.totals.total == 184500 - 4613 + 1500


async def test_submit_creates_order_lines_and_reservations_at_once(
    services: Services, db: Database
) -> None:
    user = await customer(services, 1)
    paper = await product(services, "PAP-A4-80")
    stapler = await product(services, "STP-24")
    await services.cart.add(user, paper.id, 10)
    await services.cart.add(user, stapler.id, 2)
    submission = await services.checkout.submit(user, draft(note="Ring twice", note_chosen=True))
    order = submission.order
    assert submission.created and order.number == "SO-20261123-0001"
    assert order.status is OrderStatus.SUBMITTED and order.order_type is OrderType.BULK
    assert order.totals.total == 10 * 2350 + 2 * 3500 + 1500
    assert await _reserved(db, "PAP-A4-80") == 10 and await _reserved(db, "STP-24") == 2
    assert (await services.cart.view(user)).lines == ()
    detail = await services.orders.detail(user, number="so-20261123-0001")
    assert [x.qty for x in detail.lines] == [10, 2]
    assert [c.to_status for c in detail.timeline] == [OrderStatus.SUBMITTED]
    assert detail.order.note == "Ring twice"
    second = await customer(services, 2)
    await services.cart.add(second, paper.id, 1)
    assert (await services.checkout.submit(second, draft("tok-2"))).order.number.endswith("-0002")


async def test_second_confirm_returns_the_same_order(services: Services, db: Database) -> None:
    user = await customer(services, 1)
    paper = await product(services, "PAP-A4-80")
    await services.cart.add(user, paper.id, 3)
    first = await services.checkout.submit(user, draft())
    await services.cart.add(user, paper.id, 3)  # even with a new cart, the token is spent
    again = await services.checkout.submit(user, draft())
    assert not again.created and again.order.id == first.order.id
    assert await _reserved(db, "PAP-A4-80") == 3
    assert await services.checkout.submitted_by_token(user, "tok-1") == first.order
    stranger = await customer(services, 2)
    assert await services.checkout.submitted_by_token(stranger, "tok-1") is None


async def test_unavailable_line_submits_nothing(services: Services, db: Database) -> None:
    user = await customer(services, 1)
    other = await customer(services, 2)
    notebook = await product(services, "NB-A5-DOT")  # 4 in stock
    await services.cart.add(user, notebook.id, 3)
    await services.cart.add(other, notebook.id, 3)
    await services.checkout.submit(other, draft("other"))
    with pytest.raises(LinesUnavailable) as caught:
        await services.checkout.submit(user, draft())
    assert caught.value.product_ids == [notebook.id]
    assert await _reserved(db, "NB-A5-DOT") == 3
    assert len((await services.cart.view(user)).lines) == 1
    assert (await services.orders.page(user, 0)).total == 0
    cart = await services.cart.fit_to_stock(user)
    assert cart.lines[0].qty == 1
    assert (await services.checkout.submit(user, draft())).created


async def test_preorder_reserves_what_there_is(services: Services, db: Database) -> None:
    user = await customer(services, 1)
    ink = await product(services, "INK-CMY-SET")
    await services.cart.add(user, ink.id, 2)
    order = (await services.checkout.submit(user, draft())).order
    assert order.order_type is OrderType.PREORDER
    detail = await services.orders.detail(user, order_id=order.id)
    assert detail.lines[0].reserved_qty == 0


async def test_checkout_rules(services: Services) -> None:
    stranger = await services.users.identify(9, "X", None, "en")
    with pytest.raises(NotRegistered):
        await services.checkout.submit(stranger, draft())
    user = await customer(services, 1)
    with pytest.raises(CartEmpty):
        await services.checkout.submit(user, draft())
    await services.cart.add(user, (await product(services, "STP-24")).id, 1)
    with pytest.raises(OptionNotOffered):
        await services.checkout.submit(user, draft(term="net30"))  # not allowed to this customer
    with pytest.raises(OptionNotOffered):
        await services.checkout.submit(user, draft(delivery="drone"))
    with pytest.raises(DraftIncomplete):
        await services.checkout.submit(user, draft(address=None))
    with pytest.raises(DraftIncomplete):
        await services.checkout.submit(user, draft(date_chosen=False))
    with pytest.raises(InvalidInput):
        await services.checkout.submit(user, draft(desired_date="2026-11-23"))
    assert (await services.cart.view(user)).lines
    pickup = await services.checkout.submit(user, draft(delivery="pickup", address=None))
    assert pickup.order.address is None and pickup.order.totals.delivery_fee == 0


async def test_checkout_begins_fits_to_stock_and_takes_only_the_customers_options(
    services: Services,
) -> None:
    stranger = await services.users.identify(9, "X", None, "en")
    with pytest.raises(NotRegistered):
        await services.checkout.begin(stranger)
    ann = await customer(services, 1)
    with pytest.raises(CartEmpty):
        await services.checkout.begin(ann)
    notebook = await product(services, "NB-A5-DOT")  # 4 in stock
    await services.cart.add(ann, notebook.id, 4)
    await services.checkout.begin(ann)

    bob = await customer(services, 2)
    await services.cart.add(bob, notebook.id, 4)
    await services.checkout.submit(bob, draft())  # Bob takes all four
    assert (await services.cart.view(ann)).lines[0].short
    with pytest.raises(CartEmpty):
        await services.checkout.fit_to_stock(ann)
    assert (await services.cart.view(ann)).lines == (), "the short line is dropped all the same"

    (own,) = await services.customers.addresses(ann)
    assert await services.customers.saved_address(ann, own.id) == own.text
    (bobs,) = await services.customers.addresses(bob)
    with pytest.raises(OptionNotOffered):
        await services.customers.saved_address(ann, bobs.id)
    terms = [t.code for t in await services.customers.payment_terms(ann)]
    assert [await services.customers.payment_term(ann, code) for code in terms] == terms
    with pytest.raises(OptionNotOffered):
        await services.customers.payment_term(ann, "net30")  # not allowed to this customer
