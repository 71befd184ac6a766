"""One phone, one customer: enforced in the service, whatever the edge checked before."""

from __future__ import annotations

import pytest

from bot.domain.errors import InputProblem, InvalidInput
from bot.services import Services
from bot.services.customers import Detail


async def test_a_second_customer_with_the_same_phone_is_refused(services: Services) -> None:
    ann = await services.users.identify(101, "Ann", None, "en")
    bob = await services.users.identify(102, "Bob", None, "en")
    await services.customers.register(
        ann, name="Ann Lee", phone="+8613800138000", company=None, address="1 Garden Road"
    )
    with pytest.raises(InvalidInput) as caught:
        await services.customers.register(
            bob, name="Bob Wong", phone="+86 138-0013-8000", company=None, address="2 Road"
        )
    assert caught.value.problem is InputProblem.PHONE_TAKEN
    assert await services.customers.get(bob) is None
    await services.customers.register(
        bob, name="Bob Wong", phone="+86 139 0013 9000", company=None, address="2 Road"
    )
    bob_customer = await services.customers.get(bob)
    assert bob_customer is not None and bob_customer.phone == "+8613900139000"
    with pytest.raises(InvalidInput):  # nor by changing it later
        await services.customers.change(bob, Detail.PHONE, "+8613800138000")
