"""What makes a repeated confirmation or a repeated update harmless, at the service and database
level: a payment's and a shipment's confirmation token, and the record of applied updates."""

from __future__ import annotations

from datetime import date

from bot.db.updates import CURRENT_UPDATE, KEEP_SECONDS
from bot.domain.payments import Method
from bot.runtime.persistence import SQLitePersistence
from tests.integration.test_reminders import Book, book

__all__ = ["book"]  # the fixture


async def test_a_payment_confirmation_records_one_payment(book: Book) -> None:
    order = await book.invoiced()  # 2 staplers, CN¥70.00
    finance = book.services.finance
    day = date(2026, 11, 23)
    first = await finance.record_payment(book.finance, order.id, 3000, Method.CASH, day, "tok")
    again = await finance.record_payment(book.finance, order.id, 3000, Method.CASH, day, "tok")
    assert first.created and not again.created
    assert (again.amount, again.paid, again.owed) == (3000, 3000, first.owed)
    other = await finance.record_payment(book.finance, order.id, 3000, Method.CASH, day, "tok2")
    assert other.created and other.paid == 6000  # another confirmation is another payment
    async with book.db.reader() as uow:
        assert await uow.payments.paid(order.id) == 6000


async def test_a_shipment_confirmation_records_one_shipment(book: Book) -> None:
    order = await book.order(qty=4)
    await book.approve(order)
    fulfilment = book.services.fulfilment
    line = (await fulfilment.pick_list(book.warehouse, order.id)).lines[0]
    one = {line.id: 1}
    first = await fulfilment.ship(book.warehouse, order.id, one, "SF Express", None, None, "s1")
    again = await fulfilment.ship(book.warehouse, order.id, one, "SF Express", None, None, "s1")
    assert first.created and not again.created and again.shipment.id == first.shipment.id
    line = (await fulfilment.pick_list(book.warehouse, order.id)).lines[0]
    assert (line.shipped_qty, line.remaining) == (1, 3)


async def test_changes_made_while_an_update_is_handled_record_it(book: Book) -> None:
    token = CURRENT_UPDATE.set(7001)
    try:
        await book.order()  # the cart and the order: written with the update's record
        await book.services.users.identify(55, "Newcomer", None, "en")  # meeting: no record
    finally:
        CURRENT_UPDATE.reset(token)
    async with book.db.reader() as uow:
        assert await uow.updates.seen(7001)
        assert not await uow.updates.seen(7002)
    token = CURRENT_UPDATE.set(7002)
    try:
        await book.services.users.identify(56, "Another", None, "en")
    finally:
        CURRENT_UPDATE.reset(token)
    async with book.db.reader() as uow:
        assert not await uow.updates.seen(7002)


async def test_records_of_applied_updates_are_kept_two_days(book: Book) -> None:
    token = CURRENT_UPDATE.set(42)
    try:
        await book.order()
    finally:
        CURRENT_UPDATE.reset(token)
    persistence = SQLitePersistence(book.db, 60)
    await persistence.get_user_data()  # as at start-up
    assert await persistence.applied(42) and not await persistence.applied(41)
    assert not await persistence.applied(43)  # newer than anything before the start
    async with book.db.unit_of_work() as uow:
        await book.db.connection.execute(
            "UPDATE processed_updates SET at = at - ?", (KEEP_SECONDS + 60,)
        )
        await uow.commit()
    persistence = SQLitePersistence(book.db, 60)
    await persistence.get_user_data()
    assert not await persistence.applied(42)  # pruned: Telegram may number anew after a week
