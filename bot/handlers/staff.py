"""Staff administration: /invite, /staff and its buttons, a rep's /mylink."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.domain.errors import InputProblem, InvalidInput
from bot.domain.roles import Permission, Role, parse_role
from bot.handlers.context import BotContext
from bot.handlers.menus import set_chat_menu
from bot.handlers.render import answer, show
from bot.services.staff import StaffMember
from bot.ui import staff_order_views, staff_views
from bot.ui.callbacks import BadCallback, parse
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
    await set_chat_menu(context.bot, member.user.telegram_id, t, member.roles)


async def staff_button(update: Update, context: BotContext) -> None:
    """stf:<action>: invite, list, one person, grant, revoke (confirmed), one order."""
    cb = parse(update.callback_query.data if update.callback_query else None)
    staff, t, person = context.services.staff, context.t, context.person
    if cb.action == "inv":
        role = parse_role(cb.text(0))
        if role is None:
            raise BadCallback(cb.text(0))
        invite = await staff.create_invite(person, role)
        await answer(update)
        await show(update, context, staff_views.invite(t, invite, context.bot.username))
        return
    if cb.action == "o":
        value = await context.services.staff_orders.view(person, order_id=cb.number(0))
        await answer(update)
        await show(update, context, staff_order_views.view(t, context.config, value), new=True)
        return
    if cb.action == "list":
        screen = staff_views.staff_list(t, await staff.members(person))
    elif cb.action == "m":
        screen = staff_views.member(t, await staff.member(person, cb.number(0)))
    elif cb.action in ("gr", "rv", "rvok"):
        user_id, role = cb.number(0), _role(cb.text(1))
        if cb.action == "rv":
            screen = staff_views.confirm_revoke(t, await staff.member(person, user_id), role)
        else:
            member = await staff.set_role(person, user_id, role, held=cb.action == "gr")
            await _refresh_menu(context, member)
            screen = staff_views.member(t, member)
    else:
        raise BadCallback(cb.action)
    await answer(update)
    await show(update, context, screen)


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
    role = await context.services.staff.redeem(context.person, payload)
    roles = await context.services.staff.roles(context.person)
    await set_chat_menu(context.bot, context.person.telegram_id, context.t, roles)
    text = context.t._("Welcome to the team! You are now: %(role)s. /help lists your commands.")
    await show(
        update,
        context,
        Screen(text % {"role": staff_views.roles_text(context.t, frozenset({role}))}),
    )


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Staff commands and buttons."""
    return [
        CommandHandler("invite", invite_command),
        CommandHandler("staff", staff_command),
        CommandHandler("mylink", mylink_command),
        CommandHandler("order", order_command),
        CallbackQueryHandler(staff_button, pattern=r"^stf:"),
    ]


async def order_command(update: Update, context: BotContext) -> None:
    """/order NUMBER: one order as the staff member's role may see it."""
    if not context.args:
        raise InvalidInput(InputProblem.ORDER_NUMBER_MISSING)
    value = await context.services.staff_orders.view(context.person, context.args[0][:32])
    await show(update, context, staff_order_views.view(context.t, context.config, value))
