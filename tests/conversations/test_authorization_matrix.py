"""Every staff action, tried by everyone whose role does not allow it, through commands and
forged buttons: each is refused, each refusal is audited, and nothing changes."""

from __future__ import annotations

import pytest

from tests.conversations.conftest import Team, query
from tests.conversations.test_fulfilment import approved_order

CUSTOMER, REP, WAREHOUSE, FINANCE = "customer", "rep", "warehouse", "finance"
EVERYONE = (CUSTOMER, REP, WAREHOUSE, FINANCE)

# (what is sent, who may do it among the four): commands start with "/", the rest is callback
# data. Ann's order 1 is approved; Ann is the rep's customer (id 1, user id of Ann known below).
ACTIONS: list[tuple[str, tuple[str, ...]]] = [
    ("/invite warehouse", ()),
    ("/staff", ()),
    ("stf:inv:admin", ()),
    ("stf:list", ()),
    ("stf:m:1", ()),
    ("stf:gr:1:admin", ()),
    ("stf:rv:1:sales_rep", ()),
    ("stf:rvok:1:sales_rep", ()),
    ("stf:o:1", (REP, WAREHOUSE, FINANCE)),
    ("/mylink", (REP,)),
    ("/pending", (REP,)),
    ("/order SO-20261123-0001", (REP, WAREHOUSE, FINANCE)),
    ("/customer ann", (REP,)),
    ("cus:v:1", (REP,)),
    ("cus:tr:1:1", ()),
    ("cus:pt:1:net30:1", ()),
    ("cus:rp:1", ()),
    ("cus:ra:1:1", ()),
    ("cus:cl:1", ()),
    ("cus:rm:1:1", (REP, FINANCE)),
    ("ob:go:1", (REP,)),
    ("/batch", (REP,)),
    ("apv:v:1", (REP,)),
    ("apv:ok:1", (REP,)),
    ("apv:esc:1", (REP,)),
    ("apv:adj:1", (REP,)),
    ("apv:at:1:cod", (REP,)),
    ("apv:ap:1:20261201", (REP,)),
    ("apv:rj:1", (REP,)),
    ("apv:dc:1", (REP,)),
    ("apv:aq:1:1", (REP,)),
    ("/ship", (WAREHOUSE,)),
    ("shp:o:1", (WAREHOUSE,)),
    ("sht:r:1", (WAREHOUSE,)),
    ("dlv:w:1", (WAREHOUSE,)),
    ("/payment", (FINANCE,)),
    ("/invoice SO-20261123-0001", (FINANCE,)),
    ("fin:inv:1", (FINANCE,)),
    ("fin:c:1", (FINANCE,)),
    ("fin:rm:1:1", (FINANCE,)),
    ("/receivables", (FINANCE,)),
    ("/export", (FINANCE,)),
    ("exp:h", (FINANCE,)),
    ("exp:d:orders", (FINANCE,)),
    ("exp:p:lines:20261101:20261130", (FINANCE,)),
    ("exp:f:receivables:20261101:20261130:xlsx", (FINANCE,)),
    ("exp:c:payments", (FINANCE,)),
    ("/report", ()),
    ("rpt:h", ()),
    ("rpt:p:week", ()),
    ("rpt:v:s:20261123:20261123", ()),
    ("rpt:v:t:20261101:20261123", ()),
    ("rpt:v:r:20261101:20261123", ()),
    ("rpt:v:k:20261101:20261123", ()),
    ("rpt:v:f:20261101:20261123", ()),
    ("rpt:c", ()),
    ("/products", ()),
    ("pe:list", ()),
    ("pe:card:2", ()),
    ("pe:off:2", ()),
    ("pe:on:2", ()),
    ("pe:ed:2:price", ()),
    ("pe:add", ()),
    ("pe:cats", ()),
    ("pe:cn", ()),
    ("pe:cr:1", ()),
    ("/receive STP-24 5", (WAREHOUSE,)),
    ("/adjust STP-24 -1 count", (WAREHOUSE,)),
    ("/stock", (WAREHOUSE,)),
    ("stk:p:0", (WAREHOUSE,)),
    ("stk:x", (WAREHOUSE,)),
    ("stk:r", (WAREHOUSE,)),
    ("stk:a", (WAREHOUSE,)),
]

CASES = [(action, who) for action, allowed in ACTIONS for who in EVERYONE if who not in allowed]


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
