"""Every staff action, tried by everyone whose role does not allow it, through commands and
forged buttons: each is refused, each refusal is audited, and nothing changes."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.domain import access
from bot.domain.review import Route
from bot.domain.roles import Permission, Role, allowed
from tests.conversations.conftest import Team, query
from tests.conversations.test_fulfilment import approved_order

CUSTOMER, REP, WAREHOUSE, FINANCE = "customer", "rep", "warehouse", "finance"
EVERYONE = (CUSTOMER, REP, WAREHOUSE, FINANCE)
ROLES: dict[str, frozenset[Role]] = {
    CUSTOMER: frozenset(),
    REP: frozenset({Role.SALES_REP}),
    WAREHOUSE: frozenset({Role.WAREHOUSE}),
    FINANCE: frozenset({Role.FINANCE}),
}
ANN_REP, SOMEONE_ELSE = 1, 2  # the rep is Ann's rep; the others are not

# A rule: whether someone with these roles (and this user id) may do it, as bot/domain decides.
Rule = Callable[[frozenset[Role], int], bool]


def may(permission: Permission) -> Rule:
    """What a role allows whoever the order or customer belongs to."""
    return lambda roles, _: allowed(roles, permission)


def for_ann(rule: Callable[[frozenset[Role], int, int | None], bool]) -> Rule:
    """A rule about Ann (a customer of the rep's) or her order."""
    return lambda roles, me: rule(roles, me, ANN_REP)


def sees_ann_order(roles: frozenset[Role], me: int) -> bool:
    """Whether the staff lens shows Ann's order at all."""
    return access.lens_for(access.scope_of(roles, me), ANN_REP) is not None


def sees_orders(roles: frozenset[Role], me: int) -> bool:
    """Whether the staff lens shows any orders."""
    return access.scope_of(roles, me) is not None


def decides_ann_order(roles: frozenset[Role], me: int) -> bool:
    """Whether they may decide Ann's order (on the rep's route: her rep approved it)."""
    return access.may_decide(roles, me, ANN_REP, Route.REP)


def edits_catalog(roles: frozenset[Role], _: int) -> bool:
    """Whether they may keep the catalog, even where managers may."""
    return access.may_edit_catalog(roles, managers_edit=True)


# (what is sent, the rule that says who may do it): commands start with "/", the rest is
# callback data. Ann's order 1 is approved; Ann is the rep's customer (id 1).
ACTIONS: list[tuple[str, Rule]] = [
    ("/invite warehouse", may(Permission.MANAGE_STAFF)),
    ("/staff", may(Permission.MANAGE_STAFF)),
    ("stf:inv:admin", may(Permission.MANAGE_STAFF)),
    ("stf:list", may(Permission.MANAGE_STAFF)),
    ("stf:m:1", may(Permission.MANAGE_STAFF)),
    ("stf:gr:1:admin", may(Permission.MANAGE_STAFF)),
    ("stf:rv:1:sales_rep", may(Permission.MANAGE_STAFF)),
    ("stf:rvok:1:sales_rep", may(Permission.MANAGE_STAFF)),
    ("stf:o:1", sees_orders),
    ("stf:cx:1", for_ann(access.may_act_for)),
    ("stf:dl:2", may(Permission.MANAGE_STAFF)),
    ("stf:dld:2", may(Permission.MANAGE_STAFF)),
    ("/mylink", may(Permission.OWN_CUSTOMERS)),
    ("/pending", lambda roles, _: access.decides_orders(roles)),
    ("/order SO-20261123-0001", sees_ann_order),
    ("/customer ann", for_ann(access.may_act_for)),
    ("cus:v:1", for_ann(access.may_act_for)),
    ("cus:tr:1:1", may(Permission.SET_CREDIT)),
    ("cus:pt:1:net30:1", may(Permission.SET_CREDIT)),
    ("cus:rp:1", may(Permission.ASSIGN_CUSTOMERS)),
    ("cus:ra:1:1", may(Permission.ASSIGN_CUSTOMERS)),
    ("cus:cl:1", may(Permission.SET_CREDIT)),
    ("cus:rm:1:1", for_ann(access.may_pause_reminders)),
    ("ob:go:1", for_ann(access.may_act_for)),
    ("/batch", may(Permission.BATCH_ORDERS)),
    ("apv:v:1", for_ann(access.may_view_review)),
    ("apv:ok:1", decides_ann_order),
    ("apv:esc:1", decides_ann_order),
    ("apv:adj:1", decides_ann_order),
    ("apv:at:1:cod", decides_ann_order),
    ("apv:ap:1:20261201", decides_ann_order),
    ("apv:rj:1", decides_ann_order),
    ("apv:dc:1", decides_ann_order),
    ("apv:aq:1:1", decides_ann_order),
    ("/ship", may(Permission.FULFIL)),
    ("shp:o:1", may(Permission.FULFIL)),
    ("sht:r:1", may(Permission.FULFIL)),
    ("dlv:w:1", may(Permission.FULFIL)),
    ("/payment", may(Permission.RECORD_PAYMENTS)),
    ("/invoice SO-20261123-0001", may(Permission.VIEW_RECEIVABLES)),
    ("fin:inv:1", may(Permission.RECORD_PAYMENTS)),
    ("fin:c:1", may(Permission.VIEW_RECEIVABLES)),
    ("fin:rm:1:1", may(Permission.PAUSE_REMINDERS)),
    ("/receivables", may(Permission.VIEW_RECEIVABLES)),
    ("/export", may(Permission.EXPORT)),
    ("exp:h", may(Permission.EXPORT)),
    ("exp:d:orders", may(Permission.EXPORT)),
    ("exp:p:lines:20261101:20261130", may(Permission.EXPORT)),
    ("exp:f:receivables:20261101:20261130:xlsx", may(Permission.EXPORT)),
    ("exp:c:payments", may(Permission.EXPORT)),
    ("/report", may(Permission.VIEW_REPORTS)),
    ("rpt:h", may(Permission.VIEW_REPORTS)),
    ("rpt:p:week", may(Permission.VIEW_REPORTS)),
    ("rpt:v:s:20261123:20261123", may(Permission.VIEW_REPORTS)),
    ("rpt:v:t:20261101:20261123", may(Permission.VIEW_REPORTS)),
    ("rpt:v:r:20261101:20261123", may(Permission.VIEW_REPORTS)),
    ("rpt:v:k:20261101:20261123", may(Permission.VIEW_REPORTS)),
    ("rpt:v:f:20261101:20261123", may(Permission.VIEW_REPORTS)),
    ("rpt:c", may(Permission.VIEW_REPORTS)),
    ("/products", edits_catalog),
    ("pe:list", edits_catalog),
    ("pe:card:2", edits_catalog),
    ("pe:off:2", edits_catalog),
    ("pe:on:2", edits_catalog),
    ("pe:ed:2:price", edits_catalog),
    ("pe:add", edits_catalog),
    ("pe:cats", edits_catalog),
    ("pe:cn", edits_catalog),
    ("pe:cr:1", edits_catalog),
    ("/receive STP-24 5", may(Permission.RECEIVE_STOCK)),
    ("/adjust STP-24 -1 count", may(Permission.RECEIVE_STOCK)),
    ("/stock", may(Permission.VIEW_STOCK)),
    ("stk:p:0", may(Permission.VIEW_STOCK)),
    ("stk:x", may(Permission.VIEW_STOCK)),
    ("stk:r", may(Permission.RECEIVE_STOCK)),
    ("stk:a", may(Permission.RECEIVE_STOCK)),
]


def may_do(rule: Rule, who: str) -> bool:
    """Whether the rules let this person do it."""
    return rule(ROLES[who], ANN_REP if who == REP else SOMEONE_ELSE)


CASES = [(action, who) for action, rule in ACTIONS for who in EVERYONE if not may_do(rule, who)]


async def snapshot(team: Team) -> list[tuple[object, ...]]:
    """What a refused action must leave as it was."""
    rows = []
    for sql in (
        "SELECT status, payment_status, total, discount, payment_term, promised_date FROM orders",
        "SELECT user_id, role FROM user_roles ORDER BY user_id, role",
        "SELECT credit_limit, trusted, rep_id, reminders_paused_at FROM customers ORDER BY id",
        "SELECT COUNT(*) FROM invites",
        "SELECT COUNT(*) FROM invoices",
        "SELECT COUNT(*) FROM payments",
        "SELECT COUNT(*) FROM shipments",
        "SELECT COUNT(*) FROM customer_payment_terms",
        "SELECT qty, reserved_qty FROM order_lines ORDER BY id",
        "SELECT stock_on_hand, reserved FROM products ORDER BY id",
        "SELECT COUNT(*) FROM stock_moves",
    ):
        rows += await query(team.bot, sql)
    return rows


@pytest.mark.parametrize(("action", "who"), CASES, ids=[f"{w}:{a}" for a, w in CASES])
async def test_refused_audited_and_nothing_changes(team: Team, action: str, who: str) -> None:
    bot = team.bot
    await approved_order(team)
    uid = {
        CUSTOMER: team.customer,
        REP: team.rep,
        WAREHOUSE: team.warehouse,
        FINANCE: team.finance,
    }[who]
    before = await snapshot(team)
    denied = await query(bot, "SELECT COUNT(*) FROM audit_log WHERE action = 'denied'")
    if action.startswith("/"):
        said = await bot.send(uid, action)
    else:
        said = await bot.press_data(uid, action)
        said = bot.alerts()[-1] if bot.alerts() else said
    assert "only for staff with the right role" in said, (action, who, said)
    after = await query(bot, "SELECT COUNT(*) FROM audit_log WHERE action = 'denied'")
    assert after[0][0] == denied[0][0] + 1, (action, who)
    assert await snapshot(team) == before


REQUEST_BUTTONS = ("req:v:1", "req:ok:1", "req:yes:1", "req:no:1")


@pytest.mark.parametrize("who", (CUSTOMER, WAREHOUSE, FINANCE))
async def test_deciding_a_request_is_refused_to_all_but_its_deciders(team: Team, who: str) -> None:
    from tests.conversations.test_requests import ask_to_cancel

    bot = team.bot
    await approved_order(team)
    assert "is sent to our team" in await ask_to_cancel(team)
    uid = {CUSTOMER: team.customer, WAREHOUSE: team.warehouse, FINANCE: team.finance}[who]
    before = await snapshot(team) + await query(bot, "SELECT state FROM order_requests")
    for data in REQUEST_BUTTONS:
        denied = await query(bot, "SELECT COUNT(*) FROM audit_log WHERE action = 'denied'")
        said = await bot.press_data(uid, data)
        said = bot.alerts()[-1] if bot.alerts() else said
        assert "only for staff with the right role" in said, (data, who, said)
        after = await query(bot, "SELECT COUNT(*) FROM audit_log WHERE action = 'denied'")
        assert after[0][0] == denied[0][0] + 1, (data, who)
    assert await snapshot(team) + await query(bot, "SELECT state FROM order_requests") == before


async def test_an_invoice_is_sent_again_only_to_its_customer_and_who_sees_receivables(
    team: Team,
) -> None:
    from tests.conversations.test_finance import delivered_order

    bot = team.bot
    await delivered_order(team)
    await bot.press(team.finance, "🧾 Issue invoice")
    other = bot.user("Eve")
    await bot.register(other, name="Eve Stranger")
    sent = len(bot.fake.method_calls("sendDocument"))
    for uid, refusal in (
        (team.rep, "only for staff with the right role"),
        (team.warehouse, "only for staff with the right role"),
        (other, "No such invoice"),  # someone else's: as if it did not exist
    ):
        denied = await query(bot, "SELECT COUNT(*) FROM audit_log WHERE action = 'denied'")
        said = await bot.send(uid, "/invoice INV-20261123-0001")
        assert refusal in said, (uid, said)
        after = await query(bot, "SELECT COUNT(*) FROM audit_log WHERE action = 'denied'")
        assert after[0][0] == denied[0][0] + 1, uid
    assert len(bot.fake.method_calls("sendDocument")) == sent, "no PDF went to any of them"
    for uid in (team.customer, team.finance, team.manager):
        await bot.send(uid, "/invoice INV-20261123-0001")
    assert len(bot.fake.method_calls("sendDocument")) == sent + 3
