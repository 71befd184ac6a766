"""/report for managers and admins: a period, then a view (the sales chart is a photo)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from telegram import Message, Update
from telegram.constants import ChatAction
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.domain.errors import InvalidInput
from bot.domain.reports import Period, PeriodKind
from bot.handlers.context import BotContext
from bot.handlers.progress import with_progress
from bot.handlers.render import answer, show
from bot.services.reports import SalesByDay
from bot.ui import charts, report_views
from bot.ui.callbacks import BadCallback, Callback, parse
from bot.ui.screen import Screen

CHART_FILE = "sales.png"


async def report_command(update: Update, context: BotContext) -> None:
    """/report: which period (managers and admins)."""
    await context.services.reports.check(context.person)
    await show(update, context, report_views.periods(context.t))


def _period(cb: Callback) -> Period:
    """The period a view button carries: its first and last day."""
    start, end = cb.day(1), cb.day(2)
    if start is None or end is None:
        raise BadCallback("a view needs its period")
    try:
        return Period(start, end)
    except InvalidInput:
        raise BadCallback("not a period") from None


async def _show(update: Update, context: BotContext, screen: Screen) -> None:
    """In place of the pressed menu; below the chart when pressed on it (the chart stays)."""
    query = update.callback_query
    on_photo = bool(query and isinstance(query.message, Message) and query.message.photo)
    await answer(update)
    await show(update, context, screen, new=on_photo)


async def _drawn(update: Update, context: BotContext, period: Period) -> tuple[SalesByDay, bytes]:
    """The sales of the period and their chart (drawn on a thread)."""
    sales = await context.services.reports.sales_by_day(context.person, period)
    chat = update.effective_chat
    if chat is not None:
        await context.bot.send_chat_action(chat.id, ChatAction.UPLOAD_PHOTO)
    return sales, await asyncio.to_thread(charts.sales_chart, context.t, sales)


async def _chart(update: Update, context: BotContext, period: Period) -> None:
    """The sales chart as a photo, with the totals and the views below it."""
    sales, png = await with_progress(update, context, _drawn(update, context, period))
    await answer(update)
    chat = update.effective_chat
    if chat is None:
        return
    caption = report_views.sales_caption(context.t, sales)
    await context.bot.send_photo(
        chat.id, png, caption=caption.text, reply_markup=caption.keyboard, filename=CHART_FILE
    )


async def report_button(update: Update, context: BotContext) -> None:
    """rpt:h (periods), rpt:p:<today|week|month> (the views of a period),
    rpt:v:<view>:<first day>:<last day> (one view)."""
    cb = parse(update.callback_query.data if update.callback_query else None)
    reports, t, person = context.services.reports, context.t, context.person
    if cb.action == "h":
        await reports.check(person)
        await _show(update, context, report_views.periods(t))
    elif cb.action == "p":
        kind = cb.text(0)
        if kind not in (PeriodKind.TODAY, PeriodKind.WEEK, PeriodKind.MONTH):
            raise BadCallback(kind)
        await reports.check(person)
        await _show(update, context, report_views.menu(t, reports.period(PeriodKind(kind))))
    elif cb.action == "v":
        view, period = cb.text(0), _period(cb)
        if view == "s":
            await _chart(update, context, period)
        elif view in VIEWS:
            await _show(
                update, context, await with_progress(update, context, VIEWS[view](context, period))
            )
        else:
            raise BadCallback(view)
    else:
        raise BadCallback(cb.action)


async def _top(context: BotContext, period: Period) -> Screen:
    """Top products and customers."""
    return report_views.top(context.t, await context.services.reports.top(context.person, period))


async def _by_rep(context: BotContext, period: Period) -> Screen:
    """Sales by rep."""
    by_rep = await context.services.reports.sales_by_rep(context.person, period)
    return report_views.by_rep(context.t, by_rep)


async def _kpis(context: BotContext, period: Period) -> Screen:
    """The KPIs."""
    kpis = await context.services.reports.kpis(context.person, period)
    return report_views.kpis(context.t, kpis)


async def _ratings(context: BotContext, period: Period) -> Screen:
    """Ratings and comments."""
    rated = await context.services.reports.ratings(context.person, period)
    return report_views.ratings(context.t, rated)


# The text views by their letter in rpt:v:<view>:… (s, the chart, is a photo).
VIEWS: dict[str, Callable[[BotContext, Period], Awaitable[Screen]]] = {
    "t": _top,
    "r": _by_rep,
    "k": _kpis,
    "f": _ratings,
}


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """/report and its buttons (rpt:c, other dates, is a conversation)."""
    return [
        CommandHandler("report", report_command),
        CallbackQueryHandler(report_button, pattern=r"^rpt:(h|p|v)(:|$)"),
    ]
