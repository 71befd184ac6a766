"""What each notice looks like: its data read back, what it shows loaded as things stand, and
the screen (or file) rendered in its reader's language. One entry per NoticeKind."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from telegram import InlineKeyboardMarkup

from bot.domain.models import OrderLine, OrderStatus, PaymentStatus
from bot.domain.notices import NoticeKind
from bot.domain.reminders import ReminderStatus
from bot.domain.review import Route
from bot.domain.statement import Presets, preset_period
from bot.handlers.context import BotContext
from bot.handlers.documents import invoice_file, note_file, statement_file
from bot.i18n import Texts
from bot.services.custom_orders import CustomNote, CustomRef
from bot.services.feedback import LowRating
from bot.services.finance import PaymentResult, RefundResult, SaidPaid
from bot.services.money import CreditNote, Invoice, RefundDue
from bot.services.notices import (
    CancelledBy,
    CardDecided,
    CustomerRef,
    HandedOver,
    OrderRef,
    PlacedBy,
    Rejected,
    ReminderRef,
    RequestDecided,
    RequestRef,
    Shipped,
)
from bot.services.online_payments import PaidInChat
from bot.services.preorders import Arrived
from bot.services.shortages import ShortageNotice, ShortageOutcome
from bot.services.staff import InviteUsed
from bot.services.statements import StatementNotice
from bot.services.stock import LowStock, ProductRef
from bot.ui import (
    approval_views,
    catalog_views,
    custom_views,
    customer_views,
    feedback_views,
    finance_views,
    invoice_views,
    note_views,
    online_payment_views,
    reminder_views,
    request_views,
    shipping_views,
    shortage_views,
    staff_views,
    statement_views,
    stock_views,
)
from bot.ui.screen import Screen
from bot.ui.statement_views import FileFormat

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Document:
    """A file to send, with its caption."""

    content: bytes
    filename: str
    caption: str
    keyboard: InlineKeyboardMarkup | None = None


@dataclass(frozen=True)
class Edit:
    """An earlier message to edit in place (sent anew if it cannot be edited)."""

    message_id: int
    screen: Screen


Rendered = Screen | Document | Edit | None  # None: the notice no longer applies
Render = Callable[[BotContext, Texts, Any], Awaitable[Rendered]]
# Told what became of a notice it rendered: sent, failed or unreachable (and why).
Settle = Callable[[BotContext, Any, ReminderStatus, str | None], Awaitable[None]]


@dataclass(frozen=True)
class Renderer:
    """How one kind of notice is read back and rendered."""

    data: type[BaseModel]
    render: Render
    settle: Settle | None = None


async def _new_order(context: BotContext, t: Texts, ref: OrderRef) -> Rendered:
    card = await context.services.approvals.notice(ref.order_id, t.language)
    if card.order.status is not OrderStatus.SUBMITTED and card.route is not Route.AUTO:
        return None  # decided before its card went out: nothing waits
    return approval_views.new_order(t, context.config, card)


async def _customer_ordered(context: BotContext, t: Texts, ref: OrderRef) -> Rendered:
    card = await context.services.approvals.notice(ref.order_id, t.language)
    return approval_views.for_the_rep(t, context.config, card)


async def _cancelled_for(context: BotContext, t: Texts, value: CancelledBy) -> Rendered:
    order = await context.services.outbox.order(value.order_id)
    return request_views.to_customer_cancelled(t, order, value.by, value.reason, value.refund_due)


async def _card_decided(context: BotContext, t: Texts, value: CardDecided) -> Rendered:
    """The approval card sent earlier, edited to show the order as it now stands."""
    message_id = await context.services.outbox.message_of(value.card_id)
    if message_id is None:  # the card never went out: there is nothing to correct
        return None
    card = await context.services.approvals.notice(value.order_id, t.language)
    screen = approval_views.decided(t, context.config, card, value.by)
    return Edit(message_id, Screen(screen.text) if value.info else screen)


async def _pick_list(context: BotContext, t: Texts, ref: OrderRef) -> Rendered:
    pick = await context.services.fulfilment.pick_list(None, ref.order_id, t.language)
    return shipping_views.pick_list(t, context.config, pick, notice=True)


async def _pick_list_changed(context: BotContext, t: Texts, ref: OrderRef) -> Rendered:
    pick = await context.services.fulfilment.pick_list(None, ref.order_id, t.language)
    return shipping_views.pick_list(t, context.config, pick, notice=True, changed=True)


async def _pick_cancelled(context: BotContext, t: Texts, ref: OrderRef) -> Rendered:
    pick = await context.services.fulfilment.pick_list(None, ref.order_id, t.language)
    return shipping_views.pick_list(t, context.config, pick, notice=True, cancelled=True)


async def _approved(context: BotContext, t: Texts, ref: OrderRef) -> Rendered:
    order = await context.services.outbox.order(ref.order_id)
    return approval_views.to_customer_approved(t, context.config, order)


async def _rejected(context: BotContext, t: Texts, value: Rejected) -> Rendered:
    order = await context.services.outbox.order(value.order_id)
    return approval_views.to_customer_rejected(t, order, value.reason)


async def _placed_for(context: BotContext, t: Texts, value: PlacedBy) -> Rendered:
    order = await context.services.outbox.order(value.order_id)
    return customer_views.placed_for(t, order, value.by)


async def _request(context: BotContext, t: Texts, ref: RequestRef) -> Rendered:
    card = await context.services.requests.notice(ref.request_id, t.language)
    return request_views.card(t, card, notice=True)


async def _request_decided(context: BotContext, t: Texts, value: RequestDecided) -> Rendered:
    order = await context.services.outbox.order(value.order_id)
    return request_views.to_customer_decided(
        t, order, value.approved, value.refund_due, value.kind
    )


async def _shipped(context: BotContext, t: Texts, value: Shipped) -> Rendered:
    order, shipment = await context.services.outbox.shipment(value.order_id, value.shipment_id)
    return shipping_views.to_customer_shipped(t, order, shipment)


async def _delivered(context: BotContext, t: Texts, ref: OrderRef) -> Rendered:
    order = await context.services.outbox.order(ref.order_id)
    return finance_views.to_finance_delivered(t, order)


async def _handed_over(context: BotContext, t: Texts, value: HandedOver) -> Rendered:
    order, shipment = await context.services.outbox.shipment(value.order_id, value.shipment_id)
    screen = shipping_views.to_customer_delivered(t, order, shipment, value.whole)
    return feedback_views.with_rating(t, screen, order) if value.ask_rating else screen


async def _ask_rating(context: BotContext, t: Texts, ref: OrderRef) -> Rendered:
    order = await context.services.outbox.order(ref.order_id)
    return feedback_views.ask_rating(t, order)


async def _receipt(context: BotContext, t: Texts, value: PaymentResult) -> Rendered:
    return finance_views.receipt(t, value)


async def _invoice(context: BotContext, t: Texts, invoice: Invoice) -> Rendered:
    """The PDF; the notice as text if the PDF cannot be made (it must reach the customer)."""
    try:
        doc = await context.services.invoices.document(invoice.customer_user, invoice.number)
        content, name = await invoice_file(context, doc)  # in the customer's language
    except Exception:
        log.exception("the PDF of invoice %s could not be made", invoice.number)
        screen = finance_views.to_customer_invoice(t, invoice)
        return online_payment_views.invoice_screen(t, context.config, invoice.order.id, screen)
    caption = invoice_views.issued_caption(t, invoice)
    caption = online_payment_views.with_how_to_pay(t, context.config, caption)
    pay = online_payment_views.pay_keyboard(t, context.config, invoice.order.id)
    return Document(content, name, caption, pay)


async def _invoice_issued(context: BotContext, t: Texts, invoice: Invoice) -> Rendered:
    """To finance: the PDF with "Record payment"; the text and button if it cannot be made."""
    screen = finance_views.invoice_issued(t, invoice)
    try:
        doc = await context.services.invoices.document(invoice.customer_user, invoice.number)
        content, name = await invoice_file(context, doc)
    except Exception:
        log.exception("the PDF of invoice %s could not be made", invoice.number)
        return screen
    markup = screen.keyboard if isinstance(screen.keyboard, InlineKeyboardMarkup) else None
    return Document(content, name, screen.text, markup)


async def _said_paid(context: BotContext, t: Texts, claim: SaidPaid) -> Rendered:
    order = await context.services.outbox.order(claim.order_id)
    if order.payment_status is PaymentStatus.PAID:  # recorded meanwhile
        return None
    customer = await context.services.outbox.customer(order.customer_id)
    return finance_views.to_finance_said_paid(t, order, customer, claim.amount)


async def _credit_note(context: BotContext, t: Texts, note: CreditNote) -> Rendered:
    """The note's PDF; the notice as text if the PDF cannot be made (it must reach them)."""
    order = await context.services.outbox.order(note.order_id)
    try:
        doc = await context.services.invoices.note_notice(note.number)
        content, name = await note_file(context, doc)  # in the customer's language
    except Exception:
        log.exception("the PDF of note %s could not be made", note.number)
        return finance_views.to_customer_credit_note(t, order, note)
    return Document(content, name, note_views.issued_caption(t, order, note))


async def _note_issued(context: BotContext, t: Texts, note: CreditNote) -> Rendered:
    """To finance: the note's PDF (the customer's, in their language) with what the invoice
    asks now; the text if the PDF cannot be made."""
    order = await context.services.outbox.order(note.order_id)
    text = finance_views.credit_note_text(t, order, note)
    try:
        doc = await context.services.invoices.note_notice(note.number)
        content, name = await note_file(context, doc)
    except Exception:
        log.exception("the PDF of note %s could not be made", note.number)
        return Screen(text)
    return Document(content, name, text)


async def _refund_due(context: BotContext, t: Texts, due: RefundDue) -> Rendered:
    order = await context.services.outbox.order(due.order_id)
    if not order.refund_due:  # paid back meanwhile
        return None
    return finance_views.to_finance_refund_due(t, order)


async def _refund(context: BotContext, t: Texts, value: RefundResult) -> Rendered:
    return finance_views.refund_receipt(t, value)


async def _paid_in_chat(context: BotContext, t: Texts, value: PaidInChat) -> Rendered:
    return online_payment_views.paid_in_chat(t, value)


async def _line_named(context: BotContext, t: Texts, order_id: int, line: OrderLine) -> OrderLine:
    """The line with its product named in the reader's language."""
    name = await context.services.shortages.line_name(order_id, line.id, t.language)
    return line.model_copy(update={"name": name}) if name else line


async def _back_in_stock(context: BotContext, t: Texts, ref: ProductRef) -> Rendered:
    product = await context.services.catalog.product(ref.product_id, t.language)
    return catalog_views.back_in_stock(t, product)


async def _arrived(context: BotContext, t: Texts, value: Arrived) -> Rendered:
    order, line = await context.services.outbox.line(value.order_id, value.line_id, t.language)
    return shortage_views.arrived(t, order, line, value.qty, value.complete)


async def _shortage(context: BotContext, t: Texts, notice: ShortageNotice) -> Rendered:
    line = await _line_named(context, t, notice.order.id, notice.line)
    return shortage_views.to_customer(t, notice.model_copy(update={"line": line}))


async def _shortage_chosen(context: BotContext, t: Texts, outcome: ShortageOutcome) -> Rendered:
    line = await _line_named(context, t, outcome.order.id, outcome.line)
    return shortage_views.to_staff(t, outcome.model_copy(update={"line": line}))


async def _blocked(context: BotContext, t: Texts, ref: CustomerRef) -> Rendered:
    customer = await context.services.outbox.customer(ref.customer_id)
    return reminder_views.blocked(t, customer)


async def _reminder(context: BotContext, t: Texts, ref: ReminderRef) -> Rendered:
    outgoing = await context.services.reminders.take(ref.reminder_id)
    if outgoing is None:  # paid, cancelled, paused meanwhile
        return None
    return reminder_views.render(t, context.config, outgoing)


async def _statement(context: BotContext, t: Texts, notice: StatementNotice) -> Rendered:
    """Last month's statement as a PDF; as text if the PDF cannot be made."""
    view = await context.services.statements.for_notice(
        notice.customer_id, notice.start, notice.end
    )
    try:
        content, name = await statement_file(context, t, view, FileFormat.PDF)
    except Exception:
        log.exception("the statement PDF of customer %s could not be made", notice.customer_id)
        today = context.services.statements.today()
        presets = {p: preset_period(p, today) for p in Presets}
        return statement_views.statement(t, view, presets)
    return Document(content, name, statement_views.monthly_caption(t, view))


async def _low_stock(context: BotContext, t: Texts, notice: LowStock) -> Rendered:
    row = await context.services.stock.low_notice(notice.product_id, t.language)
    if row is None:  # risen above the threshold meanwhile
        return None
    return stock_views.low_stock(t, row, context.config.catalog.low_stock_threshold)


async def _low_rating(context: BotContext, t: Texts, alert: LowRating) -> Rendered:
    order = await context.services.outbox.order(alert.order_id)
    customer = await context.services.outbox.customer(order.customer_id)
    return feedback_views.low_rating(t, order, customer, alert.rating, alert.comment)


async def _reminder_settled(
    context: BotContext, ref: ReminderRef, status: ReminderStatus, error: str | None
) -> None:
    await context.services.reminders.finish(ref.reminder_id, status, error)


async def _custom_request(context: BotContext, t: Texts, ref: CustomRef) -> Rendered:
    card = await context.services.custom.card(ref.request_id)
    return custom_views.staff_card(t, card)


async def _custom_quote(context: BotContext, t: Texts, ref: CustomRef) -> Rendered:
    card = await context.services.custom.card(ref.request_id)
    return custom_views.quote_notice(t, card)


async def _custom_question(context: BotContext, t: Texts, note: CustomNote) -> Rendered:
    card = await context.services.custom.card(note.request_id)
    return custom_views.question_notice(t, card, note.text)


async def _custom_answer(context: BotContext, t: Texts, note: CustomNote) -> Rendered:
    card = await context.services.custom.card(note.request_id)
    return custom_views.answer_notice(t, card, note.text)


async def _custom_decided(context: BotContext, t: Texts, ref: CustomRef) -> Rendered:
    card = await context.services.custom.card(ref.request_id)
    return custom_views.decided_notice(t, card)


async def _invite_used(context: BotContext, t: Texts, value: InviteUsed) -> Rendered:
    return staff_views.invite_used(t, value)


RENDERERS: dict[NoticeKind, Renderer] = {
    NoticeKind.NEW_ORDER: Renderer(OrderRef, _new_order),
    NoticeKind.CUSTOMER_ORDERED: Renderer(OrderRef, _customer_ordered),
    NoticeKind.CARD_DECIDED: Renderer(CardDecided, _card_decided),
    NoticeKind.PICK_LIST: Renderer(OrderRef, _pick_list),
    NoticeKind.PICK_LIST_CHANGED: Renderer(OrderRef, _pick_list_changed),
    NoticeKind.PICK_CANCELLED: Renderer(OrderRef, _pick_cancelled),
    NoticeKind.APPROVED: Renderer(OrderRef, _approved),
    NoticeKind.REJECTED: Renderer(Rejected, _rejected),
    NoticeKind.PLACED_FOR: Renderer(PlacedBy, _placed_for),
    NoticeKind.REQUEST: Renderer(RequestRef, _request),
    NoticeKind.REQUEST_DECIDED: Renderer(RequestDecided, _request_decided),
    NoticeKind.CANCELLED_FOR: Renderer(CancelledBy, _cancelled_for),
    NoticeKind.SHIPPED: Renderer(Shipped, _shipped),
    NoticeKind.DELIVERED: Renderer(OrderRef, _delivered),
    NoticeKind.HANDED_OVER: Renderer(HandedOver, _handed_over),
    NoticeKind.ASK_RATING: Renderer(OrderRef, _ask_rating),
    NoticeKind.RECEIPT: Renderer(PaymentResult, _receipt),
    NoticeKind.INVOICE: Renderer(Invoice, _invoice),
    NoticeKind.CREDIT_NOTE: Renderer(CreditNote, _credit_note),
    NoticeKind.NOTE_ISSUED: Renderer(CreditNote, _note_issued),
    NoticeKind.REFUND_DUE: Renderer(RefundDue, _refund_due),
    NoticeKind.REFUND: Renderer(RefundResult, _refund),
    NoticeKind.PAID_IN_CHAT: Renderer(PaidInChat, _paid_in_chat),
    NoticeKind.SHORTAGE: Renderer(ShortageNotice, _shortage),
    NoticeKind.SHORTAGE_CHOSEN: Renderer(ShortageOutcome, _shortage_chosen),
    NoticeKind.BLOCKED: Renderer(CustomerRef, _blocked),
    NoticeKind.ARRIVED: Renderer(Arrived, _arrived),
    NoticeKind.BACK_IN_STOCK: Renderer(ProductRef, _back_in_stock),
    NoticeKind.REMINDER: Renderer(ReminderRef, _reminder, _reminder_settled),
    NoticeKind.STATEMENT: Renderer(StatementNotice, _statement),
    NoticeKind.CUSTOM_REQUEST: Renderer(CustomRef, _custom_request),
    NoticeKind.CUSTOM_QUOTE: Renderer(CustomRef, _custom_quote),
    NoticeKind.CUSTOM_QUESTION: Renderer(CustomNote, _custom_question),
    NoticeKind.CUSTOM_ANSWER: Renderer(CustomNote, _custom_answer),
    NoticeKind.CUSTOM_DECIDED: Renderer(CustomRef, _custom_decided),
    NoticeKind.LOW_STOCK: Renderer(LowStock, _low_stock),
    NoticeKind.LOW_RATING: Renderer(LowRating, _low_rating),
    NoticeKind.INVOICE_ISSUED: Renderer(Invoice, _invoice_issued),
    NoticeKind.SAID_PAID: Renderer(SaidPaid, _said_paid),
    NoticeKind.INVITE_USED: Renderer(InviteUsed, _invite_used),
}


def read(kind: NoticeKind, data: str) -> BaseModel:
    """A stored notice's data."""
    return RENDERERS[kind].data.model_validate_json(data)


async def render(context: BotContext, t: Texts, kind: NoticeKind, data: BaseModel) -> Rendered:
    """A notice rendered for its reader."""
    return await RENDERERS[kind].render(context, t, data)


async def settle(
    context: BotContext,
    kind: NoticeKind,
    data: BaseModel,
    status: ReminderStatus,
    error: str | None = None,
) -> None:
    """Tell the notice's source what became of it (a reminder's log)."""
    renderer = RENDERERS[kind]
    if renderer.settle is not None:
        await renderer.settle(context, data, status, error)
