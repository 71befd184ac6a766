"""Screens of batch orders: what to upload, the check of every row, the batch made."""

from __future__ import annotations

from functools import partial

from bot.config import Config
from bot.domain.batch import (
    COLUMNS,
    MAX_BYTES,
    MAX_ROWS,
    BatchFileInvalid,
    BatchStopped,
    FileProblem,
    RowError,
    RowProblem,
)
from bot.i18n import N_, Texts
from bot.services.batch_orders import BatchCheck, BatchOrder, BatchResult
from bot.ui import actions
from bot.ui.callbacks import pack
from bot.ui.screen import Screen, button, clip, esc, fit, keyboard

TEMPLATE_NAME = "orders-template.csv"

ROW_PROBLEMS = {
    RowProblem.MISSING: N_("%(value)s is empty"),
    RowProblem.CUSTOMER_UNKNOWN: N_("no customer “%(value)s” (phone, customer id or exact name)"),
    RowProblem.CUSTOMER_AMBIGUOUS: N_(
        "several customers match “%(value)s”; use the phone or the customer id"
    ),
    RowProblem.NOT_YOUR_CUSTOMER: N_("“%(value)s” is not one of your customers"),
    RowProblem.SKU_UNKNOWN: N_("no product has the SKU “%(value)s”"),
    RowProblem.QTY_INVALID: N_("quantity “%(value)s”: a whole number from 1 to %(limit)s, please"),
    RowProblem.DELIVERY_UNKNOWN: N_("unknown delivery “%(value)s”"),
    RowProblem.ADDRESS_MISSING: N_("this delivery needs an address and none is saved"),
    RowProblem.ADDRESS_INVALID: N_("the address must be 5 to 300 characters"),
    RowProblem.TERM_UNKNOWN: N_("unknown payment term “%(value)s”"),
    RowProblem.TERM_NOT_ALLOWED: N_("payment term “%(value)s” is not allowed to this customer"),
    RowProblem.NOTE_TOO_LONG: N_("the note must be at most 500 characters"),
    RowProblem.ORDER_MISMATCH: N_("%(value)s differs from the first row of the same order"),
    RowProblem.STOCK: N_("not enough %(value)s in stock (%(limit)s left for this order)"),
    RowProblem.WITH_BROKEN_ROW: N_("left out with its order: row %(value)s has a problem"),
}

FILE_PROBLEMS = {
    FileProblem.TYPE: N_("Please send an .xlsx or .csv file."),
    FileProblem.SIZE: N_("The file is too large: at most %(limit)s MB, please."),
    FileProblem.UNREADABLE: N_(
        "I could not read this file. Save it as .xlsx or as .csv (UTF-8) and send it again."
    ),
    FileProblem.EMPTY: N_("The file has no orders in it."),
    FileProblem.TOO_MANY_ROWS: N_("Too many rows: at most %(limit)s per file, please."),
    FileProblem.MISSING_COLUMNS: N_(
        "Columns missing from the first row: %(detail)s. Nothing was created."
    ),
    FileProblem.CHANGED: N_(
        "Nothing was created: the order of row %(detail)s can no longer be placed (stock or "
        "terms changed since the check). Send the file again."
    ),
}


def file_problem(t: Texts, error: BatchFileInvalid) -> str:
    """Why a file was refused."""
    limit = error.limit // 1_000_000 if error.problem is FileProblem.SIZE else error.limit
    return t._(FILE_PROBLEMS[error.problem]) % {"limit": limit, "detail": esc(error.detail)}


def stopped(t: Texts, error: BatchStopped) -> str:
    """A batch that stopped part way: what was made, what not, and that pressing again is safe."""
    return t._(
        "⚠️ Batch #%(id)d stopped: %(made)d of %(n)d orders were created. The order of row "
        "%(row)s can no longer be placed (stock or terms changed since the check), so rows "
        "%(left)s were not created. Fix that and press Create again: only the orders not "
        "created yet will be made."
    ) % {
        "id": error.batch_id,
        "made": error.made,
        "n": error.total,
        "row": esc(error.failed),
        "left": esc(error.left),
    }


def ask_file(t: Texts, config: Config) -> Screen:
    """What to upload: the file's columns and the codes to use."""
    text = t._(
        "📦 <b>Batch orders</b>: send an .xlsx or .csv file (up to %(mb)d MB and %(rows)d rows) "
        "with a header row and these columns:\n"
        "<b>customer</b> (phone, customer id or exact name), <b>sku</b>, <b>qty</b>, "
        "<b>delivery</b>, <b>payment_term</b>; optional: <b>address</b> (else the customer's "
        "saved one), <b>note</b>, <b>order_ref</b> (rows with the same customer and order_ref "
        "make one order).\n"
        "Delivery: %(delivery)s\nPayment terms: %(terms)s\n\n"
        "Every row is checked first; nothing is created until you confirm. /cancel stops."
    ) % {
        "mb": MAX_BYTES // 1_000_000,
        "rows": MAX_ROWS,
        "delivery": esc(", ".join(d.code for d in config.delivery)),
        "terms": esc(", ".join(p.code for p in config.payment_terms)),
    }
    rows = [
        [button(t._("📄 Template"), pack(actions.Batch.TEMPLATE))],
        [button(t._("✖️ Cancel"), pack(actions.Batch.CANCEL))],
    ]
    return Screen(text, keyboard(rows))


def template(config: Config) -> bytes:
    """A CSV with the header row and two example rows forming one order."""
    delivery = config.delivery[0].code if config.delivery else "courier"
    terms = config.checkout.default_payment_terms
    term = terms[0] if terms else ""
    lines = [
        ",".join(COLUMNS),
        f"+8613800138000,PAP-A4-80,10,{delivery},,{term},,A1",
        f"+8613800138000,STP-24,2,{delivery},,{term},,A1",
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def row_error(t: Texts, error: RowError) -> str:
    """One problem of one row."""
    what = t._(ROW_PROBLEMS[error.problem]) % {
        "value": esc(clip(error.value, 40)),
        "limit": error.limit,
    }
    return t._("Row %(row)d: %(what)s") % {"row": error.row, "what": what}


def order_line(t: Texts, order: BatchOrder) -> str:
    """A valid order of the file: whose, its rows, lines and amount before delivery."""
    values = {
        "customer": esc(clip(order.customer_name, 40)),
        "first": order.rows[0],
        "last": order.rows[-1],
        "lines": t.ngettext("%(n)d line", "%(n)d lines", len(order.items))
        % {"n": len(order.items)},
        "amount": t.money(order.subtotal),
    }
    if len(order.rows) == 1:
        return t._("✅ %(customer)s (row %(first)d): %(lines)s, %(amount)s") % values
    return t._("✅ %(customer)s (rows %(first)d–%(last)d): %(lines)s, %(amount)s") % values


def _item(t: Texts, item: RowError | BatchOrder) -> str:
    """A problem or a valid order, as the report lists it."""
    return row_error(t, item) if isinstance(item, RowError) else order_line(t, item)


def report(t: Texts, check: BatchCheck) -> Screen:
    """Every problem by row, the valid orders, and what can be done."""
    n = len(check.orders)
    rows_read = t.ngettext("%(n)d row", "%(n)d rows", check.rows) % {"n": check.rows}
    valid = t.ngettext("%(n)d valid order", "%(n)d valid orders", n) % {"n": n}
    head = [
        t._("📦 <b>%(file)s</b>: %(rows)s, %(orders)s.")
        % {"file": esc(clip(check.file_name, 60)), "rows": rows_read, "orders": valid}
    ]
    if check.errors:
        head.append(
            t.ngettext(
                "⚠️ %(n)d row has problems, so nothing was created:",
                "⚠️ %(n)d rows have problems, so nothing was created:",
                check.broken_rows,
            )
            % {"n": check.broken_rows}
        )
    items: list[RowError | BatchOrder] = [*check.errors, *check.orders]
    if check.errors and n:
        tail = t._(
            "Send a corrected file, or create only the valid orders; each goes through the "
            "usual review."
        )
    elif check.errors:
        tail = t._("No order is complete. Send a corrected file, or /cancel.")
    else:
        tail = t._("Every row is fine. Each order goes through the usual review.")
    text = fit("\n".join(head), items, tail, t._("… and %(n)d more"), render=partial(_item, t))
    rows = []
    if n and check.errors:
        label = t.ngettext(
            "✅ Create the %(n)d valid order", "✅ Create the %(n)d valid orders", n
        )
        rows.append([button(label % {"n": n}, pack(actions.Batch.CREATE))])
    elif n:
        label = t.ngettext("✅ Create %(n)d order", "✅ Create the %(n)d orders", n)
        rows.append([button(label % {"n": n}, pack(actions.Batch.CREATE))])
    rows.append([button(t._("✖️ Cancel"), pack(actions.Batch.CANCEL))])
    return Screen(text, keyboard(rows))


def created(t: Texts, result: BatchResult) -> Screen:
    """The batch made (or found made already), with its order numbers."""
    numbers = result.numbers
    if result.created:
        head = t.ngettext(
            "✅ Batch #%(id)d: %(n)d order created and sent for review:",
            "✅ Batch #%(id)d: %(n)d orders created and sent for review:",
            len(numbers),
        ) % {"id": result.batch_id, "n": len(numbers)}
    else:
        head = t._("This batch was created already (#%(id)d):") % {"id": result.batch_id}
    return Screen(fit(head, numbers, "", t._("… and %(n)d more")))
