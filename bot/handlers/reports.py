"""/report for managers and admins: a period, then a view (the sales chart is a photo)."""

from __future__ import annotations

from telegram import Message, Update
from telegram.constants import ChatAction
from telegram.ext import BaseHandler, CommandHandler

from bot.domain.reports import Period, PeriodKind
from bot.handlers.context import BotContext
from bot.handlers.progress import with_progress
from bot.handlers.render import answer, show
from bot.handlers.routes import data_of, period_of, routes
from bot.services.reports import SalesByDay
from bot.ui import actions, charts, report_views
from bot.ui.callbacks import BadCallback
from bot.ui.screen import Screen

CHART_FILE = "sales.png"


async def report_command(update: Update, context: BotContext) -> None:
    """/report: which period (managers and admins)."""
    await context.services.reports.check(context.person)
    await show(update, context, report_views.periods(context.t))


async def _show(update: Update, context: BotContext, screen: Screen) -> None:
    """In place of the pressed menu; below the chart when pressed on it (the chart stays)."""
    query = update.callback_query
    on_photo = bool(query and isinstance(query.message, Message) and query.message.photo)
    await answer(update)
    await show(update, context, screen, new=on_photo)


async def _drawn(update: Update, context: BotContext, period: Period) -> tuple[SalesByDay, bytes]:
    """The sales of the period and their chart (drawn in a worker process)."""
    sales = await context.services.reports.sales_by_day(context.person, period)
    chat = update.effective_chat
    if chat is not None:
        await context.bot.send_chat_action(chat.id, ChatAction.UPLOAD_PHOTO)
    return sales, await context.offload.run(charts.sales_chart, context.t, sales)


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


async def periods(update: Update, context: BotContext) -> None:
    """rpt:h: which period."""
    await context.services.reports.check(context.person)
    await _show(update, context, report_views.periods(context.t))


async def period_menu(update: Update, context: BotContext) -> None:
    """rpt:p:<today|week|month>: the views of a period."""
    kind, reports = data_of(update).text(0), context.services.reports
    if kind not in (PeriodKind.TODAY, PeriodKind.WEEK, PeriodKind.MONTH):
        raise BadCallback(kind)
    await reports.check(context.person)
    await _show(update, context, report_views.menu(context.t, reports.period(PeriodKind(kind))))


async def _top(context: BotContext, period: Period) -> Screen:
    return report_views.top(context.t, await context.services.reports.top(context.person, period))


async def _by_rep(context: BotContext, period: Period) -> Screen:
    sales = await context.services.reports.sales_by_rep(context.person, period)
    return report_views.by_rep(context.t, sales)


async def _kpis(context: BotContext, period: Period) -> Screen:
    return report_views.kpis(
        context.t, await context.services.reports.kpis(context.person, period)
    )


async def _ratings(context: BotContext, period: Period) -> Screen:
    rated = await context.services.reports.ratings(context.person, period)
    return report_views.ratings(context.t, rated)


# The views a rpt:v button names besides the chart ("s"; codes as in report_views.VIEWS).
SCREENS = {"t": _top, "r": _by_rep, "k": _kpis, "f": _ratings}


async def view(update: Update, context: BotContext) -> None:
    """rpt:v:<view>:<first day>:<last day>: one view of a period."""
    cb = data_of(update)
    code, period = cb.text(0), period_of(cb, Period)
    if code == "s":
        await _chart(update, context, period)
    elif code in SCREENS:
        screen = await with_progress(update, context, SCREENS[code](context, period))
        await _show(update, context, screen)
    else:
        raise BadCallback(code)


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """/report and its buttons (rpt:c, other dates, is a conversation)."""
    return [
        CommandHandler("report", report_command),
        *routes(
            {
                actions.Report.HOME: periods,
                actions.Report.PERIOD: period_menu,
                actions.Report.VIEW: view,
            }
        ),
    ]
