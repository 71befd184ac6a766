"""What a screen shows comes back from the one service call that decides it (a handler parses,
calls one service, renders): a decision returns the decided card, a shipment the refreshed pick
list, /statement a typed outcome, /invoice NUMBER what to send."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.clock import FixedClock
from bot.db import Database
from bot.domain.errors import InvalidInput, InvoiceNotFound, NotAllowed
from bot.domain.models import OrderStatus, User
from bot.domain.review import Route
from bot.domain.roles import Role
from bot.domain.statement import Presets, preset_period
from bot.services import Services
from bot.services.customers import Standing
from bot.services.invoices import InvoiceAgain, NewInvoice, NoteAgain
from bot.services.orders import FilterHelp, OwnOrders, StaffFound
from bot.services.statements import AskWhose, Choose, NobodyFound, Shown
from tests.integration.helpers import customer, draft, product


@dataclass
class Shop:
    services: Services
    rep: User
    manager: User
    warehouse: User
    finance: User
    ann: User
    order_id: int


@pytest.fixture
async def shop(services: Services, db: Database, clock: FixedClock) -> Shop:
    """Sam the rep, Mia the manager, Wu the warehouse, Fay in finance; Ann (Sam's customer)
    has submitted 5 staplers, cash on delivery: it waits for Sam."""
    staff = {}
    for telegram_id, name, role in [
        (71, "Sam", Role.SALES_REP),
        (72, "Mia", Role.SALES_MANAGER),
        (73, "Wu", Role.WAREHOUSE),
        (74, "Fay", Role.FINANCE),
    ]:
        staff[role] = await services.users.identify(telegram_id, name, None, "en")
        async with db.unit_of_work() as uow:
            await uow.staff.grant(staff[role].id, role, None, clock.now())
            await uow.commit()
    ann = await customer(services, 11)
    await services.cart.add(ann, (await product(services, "STP-24")).id, 5)
    order = (await services.checkout.submit(ann, draft("t1"))).order
    return Shop(
        services,
        staff[Role.SALES_REP],
        staff[Role.SALES_MANAGER],
        staff[Role.WAREHOUSE],
        staff[Role.FINANCE],
        ann,
        order.id,
    )


async def test_approving_returns_the_approved_card(shop: Shop) -> None:
    card = await shop.services.approvals.approve(shop.rep, shop.order_id)
    assert card.order.id == shop.order_id
    assert card.order.status is OrderStatus.APPROVED
    assert not card.may_escalate
    assert card == await shop.services.approvals.card(shop.rep, shop.order_id)


async def test_rejecting_returns_the_rejected_card(shop: Shop) -> None:
    card = await shop.services.approvals.reject(shop.rep, shop.order_id, "Discontinued")
    assert card.order.status is OrderStatus.REJECTED
    assert card == await shop.services.approvals.card(shop.rep, shop.order_id)


async def test_escalating_returns_the_card_on_the_managers_route(shop: Shop) -> None:
    before = await shop.services.approvals.card(shop.rep, shop.order_id)
    assert before.route is Route.REP and before.may_escalate
    card = await shop.services.approvals.escalate(shop.rep, shop.order_id)
    assert card.order.status is OrderStatus.SUBMITTED
    assert card.route is Route.MANAGER and not card.may_escalate
    assert card == await shop.services.approvals.card(shop.rep, shop.order_id)


async def test_a_shipment_returns_the_pick_list_after_it(shop: Shop) -> None:
    await shop.services.approvals.approve(shop.rep, shop.order_id)
    fulfilment = shop.services.fulfilment
    (line,) = (await fulfilment.pick_list(shop.warehouse, shop.order_id)).lines
    assert line.remaining == 5
    first = await fulfilment.ship(shop.warehouse, shop.order_id, {line.id: 2}, "Van", None, None)
    assert first.order.status is OrderStatus.PARTIALLY_SHIPPED
    assert [x.remaining for x in first.pick.lines] == [3]
    assert [s.id for s in first.pick.shipments] == [first.shipment.id]
    assert first.pick == await fulfilment.pick_list(shop.warehouse, shop.order_id)
    rest = {line.id: 3}
    done = await fulfilment.ship(shop.warehouse, shop.order_id, rest, "Van", None, None, "tok")
    again = await fulfilment.ship(shop.warehouse, shop.order_id, rest, "Van", None, None, "tok")
    assert done.order.status is OrderStatus.SHIPPED
    assert [x.remaining for x in done.pick.lines] == [0]
    assert not again.created and again.pick == done.pick


async def test_statement_lookup_outcomes(shop: Shop) -> None:
    statements = shop.services.statements
    bob = await customer(shop.services, 12)
    this_month = preset_period(Presets.THIS_MONTH, statements.today())
    assert await statements.lookup(shop.finance, "") == AskWhose()
    own = await statements.lookup(shop.ann, "")
    assert isinstance(own, Shown) and own.view.own
    assert own.view.customer.user_id == shop.ann.id
    assert own.view.statement.start == this_month.start
    one = await statements.lookup(shop.finance, "Customer 12")
    assert isinstance(one, Shown) and not one.view.own
    assert one.view.customer.user_id == bob.id
    several = await statements.lookup(shop.finance, "Customer")
    assert isinstance(several, Choose) and several.period == this_month
    assert sorted(c.user_id for c in several.customers) == [shop.ann.id, bob.id]
    assert await statements.lookup(shop.finance, "Nobody") == NobodyFound()
    with pytest.raises(NotAllowed):
        await statements.lookup(shop.warehouse, "Customer")


async def test_invoice_reprint_or_issue_outcomes(shop: Shop) -> None:
    invoices = shop.services.invoices
    await shop.services.approvals.approve(shop.rep, shop.order_id)  # cash on delivery: none yet
    number = (await shop.services.approvals.card(shop.rep, shop.order_id)).order.number
    issued = await invoices.reprint_or_issue(shop.finance, number)
    assert isinstance(issued, NewInvoice) and issued.invoice.order.id == shop.order_id
    again = await invoices.reprint_or_issue(shop.finance, number)
    assert isinstance(again, InvoiceAgain) and not again.own
    assert again.document.number == issued.invoice.number
    own = await invoices.reprint_or_issue(shop.ann, issued.invoice.number.lower())
    assert isinstance(own, InvoiceAgain) and own.own
    with pytest.raises(NotAllowed):  # staff who do not see receivables
        await invoices.reprint_or_issue(shop.warehouse, number)
    bob = await customer(shop.services, 12)
    with pytest.raises(InvoiceNotFound):  # another customer's: as if there were none
        await invoices.reprint_or_issue(bob, number)
    asked = await shop.services.orders.cancel(shop.ann, shop.order_id, "Changed my mind")
    assert asked.request_id is not None
    await shop.services.requests.decide(shop.rep, asked.request_id, approve=True)
    note = await invoices.reprint_or_issue(shop.ann, "CN-20261123-0001")
    assert isinstance(note, NoteAgain) and note.document.reason == "cancelled"
    assert note.document.invoice == issued.invoice.number


async def test_clearing_the_cart_returns_the_cart_after(shop: Shop) -> None:
    await shop.services.cart.add(shop.ann, (await product(shop.services, "STP-24")).id, 2)
    assert (await shop.services.cart.view(shop.ann)).units == 2
    cleared = await shop.services.cart.clear(shop.ann)
    assert cleared.lines == () and cleared == await shop.services.cart.view(shop.ann)


async def test_orders_listing_outcomes(shop: Shop) -> None:
    orders = shop.services.orders
    own = await orders.listing(shop.ann, "status:approved")  # a customer's filter is ignored
    assert isinstance(own, OwnOrders) and [o.id for o in own.page.items] == [shop.order_id]
    assert await orders.listing(shop.rep, " HELP ") == FilterHelp()
    found = await orders.listing(shop.rep, "status:submitted")
    assert isinstance(found, StaffFound)
    assert [f.order.id for f in found.found.page.items] == [shop.order_id]
    none = await orders.listing(shop.manager, "status:approved")
    assert isinstance(none, StaffFound) and none.found.page.items == ()
    with pytest.raises(InvalidInput):
        await orders.listing(shop.rep, "colour:blue")


async def test_standing_is_the_customer_record_and_the_roles_together(shop: Shop) -> None:
    customers = shop.services.customers
    ann = await customers.standing(shop.ann)
    assert ann.customer is not None and ann.customer.user_id == shop.ann.id and not ann.roles
    assert await customers.standing(shop.rep) == Standing(
        customer=None, roles=frozenset({Role.SALES_REP})
    )


async def test_an_invite_taken_returns_the_role_and_every_role_now(shop: Shop) -> None:
    staff = shop.services.staff
    admin = await shop.services.users.identify(1, "Ada", None, "en")  # a configured admin
    invite = await staff.create_invite(admin, Role.FINANCE)
    redeemed = await staff.redeem(shop.warehouse, invite.payload)
    assert redeemed.role is Role.FINANCE
    assert redeemed.roles == {Role.WAREHOUSE, Role.FINANCE} == await staff.roles(shop.warehouse)
