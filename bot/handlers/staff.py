"""Staff administration: /invite, /staff and its buttons, a rep's /mylink."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.domain.errors import InputProblem, InvalidInput
from bot.domain.roles import Permission, Role, parse_role
from bot.handlers.context import BotContext
from bot.handlers.menus import set_chat_menu
from bot.handlers.render import answer, show
from bot.handlers.routes import data_of, redraw, routes
from bot.services.staff import StaffMember
from bot.ui import actions, staff_order_views, staff_views
from bot.ui.callbacks import BadCallback
from bot.ui.screen import Screen, esc


async def invite_command(update: Update, context: BotContext) -> None:
    """/invite ROLE: a one-time link for that role; without a role, a choice."""
    if not context.args:
        await context.services.staff.check(context.person, Permission.MANAGE_STAFF, "invite")
        await show(update, context, staff_views.invite_menu(context.t))
        return
    role = parse_role(context.args[0])
    if role is None:
        raise InvalidInput(InputProblem.ROLE_UNKNOWN)
    invite = await context.services.staff.create_invite(context.person, role)
    await show(update, context, staff_views.invite(context.t, invite, context.bot.username))


async def staff_command(update: Update, context: BotContext) -> None:
    """/staff: everyone with a role."""
    members = await context.services.staff.members(context.person)
    await show(update, context, staff_views.staff_list(context.t, members))


async def _refresh_menu(context: BotContext, member: StaffMember) -> None:
    t = context.i18n.texts(member.user.language, member.user.time_zone)
    edit = context.config.catalog.managers_edit
    await set_chat_menu(context.bot, member.user.telegram_id, t, member.roles, managers_edit=edit)


async def invite(update: Update, context: BotContext) -> None:
    """stf:inv:<role>: a one-time link for that role."""
    code = data_of(update).text(0)
    role = parse_role(code)
    if role is None:
        raise BadCallback(code)
    value = await context.services.staff.create_invite(context.person, role)
    await answer(update)
    await show(update, context, staff_views.invite(context.t, value, context.bot.username))


async def open_order(update: Update, context: BotContext) -> None:
    """stf:o:<order>: one order as the staff member's role may see it, below."""
    value = await context.services.staff_orders.view(
        context.person, order_id=data_of(update).number(0)
    )
    await answer(update)
    await show(update, context, staff_order_views.view(context.t, context.config, value), new=True)


async def staff_list(update: Update, context: BotContext) -> None:
    """stf:list: everyone with a role."""
    members = await context.services.staff.members(context.person)
    await redraw(update, context, staff_views.staff_list(context.t, members))


async def member(update: Update, context: BotContext) -> None:
    """stf:m:<user>: one person's roles."""
    value = await context.services.staff.member(context.person, data_of(update).number(0))
    await redraw(update, context, staff_views.member(context.t, value))


async def grant(update: Update, context: BotContext) -> None:
    """stf:gr:<user>:<role>."""
    await _set_role(update, context, held=True)


async def revoke(update: Update, context: BotContext) -> None:
    """stf:rv:<user>:<role>: asks once more."""
    cb = data_of(update)
    user_id, role = cb.number(0), _role(cb.text(1))
    value = await context.services.staff.member(context.person, user_id)
    await redraw(update, context, staff_views.confirm_revoke(context.t, value, role))


async def revoke_confirmed(update: Update, context: BotContext) -> None:
    """stf:rvok:<user>:<role>."""
    await _set_role(update, context, held=False)


async def _set_role(update: Update, context: BotContext, *, held: bool) -> None:
    """Grant or take away a role; the person's command menu follows."""
    cb = data_of(update)
    user_id, role = cb.number(0), _role(cb.text(1))
    value = await context.services.staff.set_role(context.person, user_id, role, held=held)
    await _refresh_menu(context, value)
    await redraw(update, context, staff_views.member(context.t, value))


async def default_limit(update: Update, context: BotContext) -> None:
    """stf:dld:<user>: a rep's discount limit back to the configuration's."""
    user_id = data_of(update).number(0)
    value = await context.services.staff.set_discount_limit(context.person, user_id, None)
    await redraw(update, context, staff_views.member(context.t, value))


def _role(text: str) -> Role:
    role = parse_role(text)
    if role is None:
        raise BadCallback(text)
    return role


async def mylink_command(update: Update, context: BotContext) -> None:
    """/mylink: a rep's personal link; customers who start with it are theirs."""
    payload = await context.services.staff.rep_link(context.person)
    link = staff_views.deep_link(context.bot.username, payload)
    text = context.t._("Your link for new customers (they become yours):\n%(link)s") % {
        "link": esc(link)
    }
    await show(update, context, Screen(text))


async def redeem_invite(update: Update, context: BotContext, payload: str) -> None:
    """/start inv_…: take the invite's role and get the staff menu."""
    redeemed = await context.services.staff.redeem(context.person, payload)
    edit = context.config.catalog.managers_edit
    chat = context.person.telegram_id
    await set_chat_menu(context.bot, chat, context.t, redeemed.roles, managers_edit=edit)
    text = context.t._("Welcome to the team! You are now: %(role)s. /help lists your commands.")
    await show(
        update,
        context,
        Screen(text % {"role": staff_views.roles_text(context.t, frozenset({redeemed.role}))}),
    )


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Staff commands and buttons."""
    return [
        CommandHandler("invite", invite_command),
        CommandHandler("staff", staff_command),
        CommandHandler("mylink", mylink_command),
        CommandHandler("order", order_command),
        *routes(
            {
                actions.Staff.INVITE: invite,
                actions.Staff.ORDER: open_order,
                actions.Staff.LIST: staff_list,
                actions.Staff.MEMBER: member,
                actions.Staff.GRANT: grant,
                actions.Staff.REVOKE: revoke,
                actions.Staff.REVOKE_CONFIRMED: revoke_confirmed,
                actions.Staff.DEFAULT_LIMIT: default_limit,
            }
        ),
    ]


async def order_command(update: Update, context: BotContext) -> None:
    """/order NUMBER: one order as the staff member's role may see it."""
    if not context.args:
        raise InvalidInput(InputProblem.ORDER_NUMBER_MISSING)
    value = await context.services.staff_orders.view(context.person, context.args[0][:32])
    await show(update, context, staff_order_views.view(context.t, context.config, value))
