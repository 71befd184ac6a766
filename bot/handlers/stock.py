"""Stock: /receive, /adjust, /stock and the stock report's buttons."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.domain.roles import Permission
from bot.domain.stock import StockProblem, StockRefused, parse_adjust, parse_receive
from bot.handlers.context import BotContext
from bot.handlers.documents import reply_file, uploading
from bot.handlers.render import answer, say, show
from bot.handlers.routes import data_of, routes
from bot.ui import actions, stock_views

MAX_SEARCH = 60


async def receive_command(update: Update, context: BotContext) -> None:
    """/receive SKU QTY [note]: goods arrived."""
    stock = context.services.stock
    try:
        if not context.args:
            await stock.check(context.person, Permission.RECEIVE_STOCK, "receipt")
            raise StockRefused(StockProblem.USAGE_RECEIVE)
        receipt = parse_receive(context.args)
        moved = await stock.receive(context.person, receipt.sku, receipt.qty, receipt.note)
    except StockRefused as error:
        await say(update, context, stock_views.refused(context.t, error))
        return
    await show(update, context, stock_views.moved(context.t, moved))


async def adjust_command(update: Update, context: BotContext) -> None:
    """/adjust SKU ±QTY reason: a correction (count, damage, other) with a reason."""
    stock = context.services.stock
    try:
        if not context.args:
            await stock.check(context.person, Permission.RECEIVE_STOCK, "adjustment")
            raise StockRefused(StockProblem.USAGE_ADJUST)
        adjustment = parse_adjust(context.args)
        moved = await stock.adjust(
            context.person, adjustment.sku, adjustment.qty, adjustment.reason, adjustment.note
        )
    except StockRefused as error:
        await say(update, context, stock_views.refused(context.t, error))
        return
    await show(update, context, stock_views.moved(context.t, moved))


async def stock_command(update: Update, context: BotContext) -> None:
    """/stock [WORDS]: on hand, reserved, available and waiting units, low ones first."""
    words = " ".join(context.args or []).strip()[:MAX_SEARCH] or None
    rows = await context.services.stock.report(context.person, words)
    threshold = context.config.catalog.low_stock_threshold
    movers = await context.services.stock.may_move(context.person)
    screen = stock_views.report(context.t, rows, 0, threshold, movers=movers)
    await show(update, context, screen)


async def report_page(update: Update, context: BotContext) -> None:
    """stk:p:<page>: another page of the stock report."""
    page = data_of(update).number(0, high=10_000)
    stock = context.services.stock
    rows = await stock.report(context.person)  # re-authorised
    threshold = context.config.catalog.low_stock_threshold
    await answer(update)
    movers = await stock.may_move(context.person)
    screen = stock_views.report(context.t, rows, page, threshold, movers=movers)
    await show(update, context, screen)


async def report_xlsx(update: Update, context: BotContext) -> None:
    """stk:x: the stock report as XLSX."""
    rows = await context.services.stock.report(context.person)  # re-authorised
    threshold = context.config.catalog.low_stock_threshold
    await answer(update)
    await uploading(update, context)
    content = stock_views.to_xlsx(context.t, rows, threshold)
    day = context.services.stock.clock.now().astimezone(context.config.business.zone)
    name = f"stock-{day:%Y%m%d}.xlsx"
    await reply_file(update, context, content, name, stock_views.file_caption(context.t, rows))


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Stock commands and buttons."""
    return [
        CommandHandler("receive", receive_command),
        CommandHandler("adjust", adjust_command),
        CommandHandler("stock", stock_command),
        *routes({actions.Stock.PAGE: report_page, actions.Stock.XLSX: report_xlsx}),
    ]
