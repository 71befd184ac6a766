"""/products: admins (managers if configured) find, add and edit products step by step."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import (
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.conversations.common import (
    NOT_COMMAND,
    TEXT,
    Drafts,
    buttons_please,
    conversation,
    leave_without_saving,
    message_text,
    text_please,
)
from bot.domain.errors import InputProblem, InvalidInput
from bot.domain.models import Unit
from bot.domain.parsing import parse_money
from bot.handlers.context import BotContext
from bot.handlers.render import answer, show
from bot.handlers.routes import data_of, on_press, routes
from bot.services.product_editor import (
    NewProduct,
    check_photo,
    parse_deposit_percent,
    parse_text,
    parse_tiers,
)
from bot.ui import actions
from bot.ui import product_editor_views as views
from bot.ui.callbacks import BadCallback, Callback

STEPS = (
    "sku",
    "name_en",
    "name_zh",
    "name_ru",
    "description_en",
    "description_zh",
    "description_ru",
    "category",
    "price",
    "tiers",
    "unit",
    "preorder",
    "photo",
)
BUTTONS_ONLY = frozenset({"unit", "preorder"})
OPTIONAL = frozenset(
    {
        "name_zh",
        "name_ru",
        "description_en",
        "description_zh",
        "description_ru",
        "tiers",
        "photo",
        "cat_zh",
        "cat_ru",
        "deposit_percent",  # cleared: the config's percent applies
    }
)
PHOTOS = filters.UpdateType.MESSAGE & (filters.PHOTO | filters.Document.IMAGE)


class EditorDraft(NewProduct):
    """The question asked now and the answers so far: of a product being added, of one field
    of a product (`edit`), or the names of a category being added or renamed (`category`)."""

    step: str
    edit: int | None = None
    category: int | None = None
    cat_en: str | None = None
    cat_zh: str | None = None
    cat_ru: str | None = None


DRAFT = Drafts("product_editor", EditorDraft)


class State(IntEnum):
    """Finding products, then answering one field at a time."""

    LIST = 1
    STEP = 2


async def start(update: Update, context: BotContext) -> State:
    """/products or ⬅️ Products: the list; typing searches."""
    found = await context.services.product_editor.find(context.person, "")
    await answer(update)
    await show(update, context, views.product_list(context.t, found, ""))
    return State.LIST


async def search(update: Update, context: BotContext) -> State:
    """Words typed on the list: the products they match."""
    words = message_text(update).strip()[:60]
    found = await context.services.product_editor.find(context.person, words)
    await show(update, context, views.product_list(context.t, found, words))
    return State.LIST


async def open_card(update: Update, context: BotContext) -> State:
    """pe:card:<id>: the product's card."""
    product_id = data_of(update).number(0)
    record = await context.services.product_editor.card(context.person, product_id)
    await answer(update)
    await show(update, context, views.card(context.t, record), new=True)
    return State.LIST


async def toggle(update: Update, context: BotContext) -> State:
    """pe:off:<id> / pe:on:<id>: withdraw or restore."""
    data = data_of(update)
    record = await context.services.product_editor.set_active(
        context.person, data.number(0), data.action == actions.ProductEditor.RESTORE
    )
    await answer(update)
    await show(update, context, views.card(context.t, record), new=True)
    return State.LIST


async def add(update: Update, context: BotContext) -> State:
    """pe:add: a new draft; the first question."""
    await context.services.product_editor.open(context.person)
    DRAFT.save(context, EditorDraft(step="sku"))
    await answer(update)
    return await _ask(update, context, "sku")


async def edit(update: Update, context: BotContext) -> State:
    """pe:ed:<id>:<field>: one question about an existing product."""
    data = data_of(update)
    product_id, field = data.number(0), data.args[1] if len(data.args) > 1 else ""
    await context.services.product_editor.card(context.person, product_id)
    if field not in views.EDITABLE:
        raise BadCallback(f"not an editable field: {field!r}")
    DRAFT.save(context, EditorDraft(step=field, edit=product_id))
    await answer(update)
    return await _ask(update, context, field)


async def categories(update: Update, context: BotContext) -> State:
    """pe:cats: every category, to rename one or add one."""
    found = await context.services.product_editor.categories(context.person)
    await answer(update)
    await show(update, context, views.category_list(context.t, found), new=True)
    return State.LIST


async def name_category(update: Update, context: BotContext) -> State:
    """pe:cr:<id> (rename) or pe:cn (new): its names, English first."""
    data = data_of(update)
    rename = data.action == actions.ProductEditor.RENAME_CATEGORY
    draft = EditorDraft(step="cat_en", category=data.number(0) if rename else None)
    await context.services.product_editor.open(context.person)
    DRAFT.save(context, draft)
    await answer(update)
    return await _ask(update, context, "cat_en")


async def _category_named(update: Update, context: BotContext) -> State:
    """All three names given: the category is renamed or added; the categories shown."""
    draft = DRAFT.load(context)
    editor = context.services.product_editor
    names = {"en": draft.cat_en or "", "zh": draft.cat_zh or "", "ru": draft.cat_ru or ""}
    if draft.category is not None:
        await editor.rename_category(context.person, draft.category, names)
    else:
        await editor.add_category(context.person, names)
    DRAFT.drop(context)
    found = await editor.categories(context.person)
    await show(update, context, views.category_list(context.t, found), new=True)
    return State.LIST


async def got_text(update: Update, context: BotContext) -> State | int:
    """A typed answer to the current question."""
    step, text = DRAFT.load(context).step, message_text(update)
    if step == "photo":
        raise InvalidInput(InputProblem.PHOTO_EXPECTED)
    if step in BUTTONS_ONLY:
        await buttons_please(update, context)
        return State.STEP
    editor, digits = context.services.product_editor, context.config.business.minor_digits
    value: Any
    if step == "sku":
        value = await editor.sku_free(context.person, text)
    elif step == "category":
        value = await editor.add_category(context.person, {"en": parse_text(text, "category")})
        step = "category_id"
    elif step == "price":
        value = parse_money(text, digits)
    elif step == "tiers":
        value = [[x.min_qty, x.unit_price] for x in parse_tiers(text, digits)]
    elif step == "deposit_percent":
        value = parse_deposit_percent(text)
    elif step.startswith("cat_"):
        value = parse_text(text, "category")
    else:
        value = parse_text(text, step.split("_")[0])
    return await _store(update, context, step, value)


async def got_photo(update: Update, context: BotContext) -> State | int:
    """A photo (or an image sent as a file) from the phone."""
    message = update.effective_message
    if DRAFT.load(context).step != "photo" or message is None:
        await text_please(update, context)
        return State.STEP
    if message.photo:
        largest = message.photo[-1]
        file_id, size = largest.file_id, largest.file_size
    else:
        assert message.document is not None
        file_id, size = message.document.file_id, message.document.file_size
    check_photo(size)
    if not message.photo:
        # A file's id cannot be sent as a photo: the image goes back to the editor as one,
        # and that photo's id is what the catalog shows.
        content = await (await context.bot.get_file(file_id)).download_as_bytearray()
        try:
            sent = await context.bot.send_photo(message.chat_id, bytes(content))
        except BadRequest as error:  # not an image Telegram can show
            raise InvalidInput(InputProblem.PHOTO_EXPECTED) from error
        file_id = sent.photo[-1].file_id
    return await _store(update, context, "photo_file_id", file_id)


async def not_understood(update: Update, context: BotContext) -> State:
    """A sticker or the like: say what is asked; the state stays."""
    if DRAFT.load(context).step == "photo":
        raise InvalidInput(InputProblem.PHOTO_EXPECTED)
    await text_please(update, context)
    return State.STEP


async def category_chosen(update: Update, context: BotContext) -> State | int:
    """pe:cat:<id>: the product's category."""
    draft, data = await _pressed(update, context)
    if draft.step != "category":
        return State.STEP
    return await _store(update, context, "category_id", data.number(0))


async def unit_chosen(update: Update, context: BotContext) -> State | int:
    """pe:unit:<unit>: what one unit is counted in."""
    draft, data = await _pressed(update, context)
    if draft.step != "unit":
        return State.STEP
    try:
        unit = Unit(data.args[0] if data.args else "")
    except ValueError:
        raise BadCallback(f"not a unit: {data.args!r}") from None
    return await _store(update, context, "unit", unit.value)


async def preorder_chosen(update: Update, context: BotContext) -> State | int:
    """pe:pre:<0|1>: sold before it is in stock, or not."""
    draft, data = await _pressed(update, context)
    if draft.step != "preorder":
        return State.STEP
    return await _store(update, context, "preorder", data.number(0, high=1))


async def skipped(update: Update, context: BotContext) -> State | int:
    """pe:skip: an optional question left unanswered."""
    draft, _ = await _pressed(update, context)
    if draft.step not in OPTIONAL:
        return State.STEP
    field = "photo_file_id" if draft.step == "photo" else draft.step
    return await _store(update, context, field, [] if field == "tiers" else None)


async def _pressed(update: Update, context: BotContext) -> tuple[EditorDraft, Callback]:
    """A button answering the question: the draft and the data (a button of another question
    changes nothing)."""
    draft = DRAFT.load(context)
    data = data_of(update)
    await answer(update)
    return draft, data


async def save(update: Update, context: BotContext) -> int:
    """pe:save: the new product is added (no stock) and its card shown."""
    draft = DRAFT.load(context)
    record = await context.services.product_editor.create(context.person, draft)
    DRAFT.drop(context)
    await answer(update)
    await show(update, context, views.card(context.t, record), new=True)
    return ConversationHandler.END


async def _store(update: Update, context: BotContext, field: str, value: Any) -> State | int:
    """Keep an answer; edit the product (then its card) or ask the next question."""
    draft = DRAFT.load(context)
    if field.startswith("cat_"):
        DRAFT.update(context, **{field: value})
        if field == "cat_ru":
            return await _category_named(update, context)
        return await _ask(update, context, "cat_zh" if field == "cat_en" else "cat_ru")
    if draft.edit is not None:
        column = field
        if column in ("name_zh", "name_ru") or column.startswith("description_"):
            value = value or ""
        if column == "tiers":
            value = value or []
        record = await context.services.product_editor.edit(
            context.person, draft.edit, column, value
        )
        DRAFT.drop(context)
        await show(update, context, views.card(context.t, record), new=True)
        return State.LIST
    draft = DRAFT.update(context, **{field: value})
    current = STEPS.index(draft.step)
    if current + 1 == len(STEPS):
        categories = await context.services.product_editor.categories(context.person)
        name = next((str(c["name_en"]) for c in categories if c["id"] == draft.category_id), "")
        await show(update, context, views.summary(context.t, draft, name), new=True)
        return State.STEP
    return await _ask(update, context, STEPS[current + 1])


async def _ask(update: Update, context: BotContext, field: str) -> State:
    draft = DRAFT.update(context, step=field)
    categories: list[dict[str, object]] = []
    if field == "category":
        categories = await context.services.product_editor.categories(context.person)
    skippable = field in OPTIONAL or (draft.edit is not None and field not in BUTTONS_ONLY)
    skippable = skippable and field not in ("name_en", "price", "category")
    await show(update, context, views.ask(context.t, field, skippable, categories), new=True)
    return State.STEP


keep = leave_without_saving(DRAFT)


def build() -> ConversationHandler[BotContext]:
    """The product editor conversation."""
    entry = [
        CommandHandler("products", start),
        on_press(start, actions.ProductEditor.LIST),
        on_press(open_card, actions.ProductEditor.CARD),
        on_press(toggle, actions.ProductEditor.RESTORE, actions.ProductEditor.WITHDRAW),
        on_press(add, actions.ProductEditor.ADD),
        on_press(edit, actions.ProductEditor.EDIT),
        on_press(categories, actions.ProductEditor.CATEGORIES),
        on_press(
            name_category,
            actions.ProductEditor.RENAME_CATEGORY,
            actions.ProductEditor.NEW_CATEGORY,
        ),
    ]
    return conversation(
        "product_editor",
        entry_points=entry,
        states={
            State.LIST: [MessageHandler(TEXT, search)],
            State.STEP: [
                *routes(
                    {
                        actions.ProductEditor.SKIP: skipped,
                        actions.ProductEditor.CATEGORY: category_chosen,
                        actions.ProductEditor.UNIT: unit_chosen,
                        actions.ProductEditor.PREORDER: preorder_chosen,
                    }
                ),
                on_press(save, actions.ProductEditor.SAVE),
                MessageHandler(PHOTOS, got_photo),
                MessageHandler(TEXT, got_text),
                MessageHandler(NOT_COMMAND, not_understood),
            ],
        },
        fallbacks=[CommandHandler("cancel", keep)],
    )
