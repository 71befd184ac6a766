"""Stock screens: receipts, adjustments, refusals, the stock report (message and XLSX) and the
low-stock notice. Goods and units only: the warehouse sees no prices here."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from bot.db.stock import StockRow
from bot.domain.stock import (
    MAX_MOVE,
    MAX_REASON,
    AdjustReason,
    MoveKind,
    StockProblem,
    StockRefused,
)
from bot.i18n import N_, Texts
from bot.services.stock import Moved
from bot.ui import actions
from bot.ui.callbacks import pack
from bot.ui.screen import Screen, button, clip, esc, keyboard, nav_row

PAGE = 15

REASONS = {
    AdjustReason.COUNT: N_("count"),
    AdjustReason.DAMAGE: N_("damage"),
    AdjustReason.OTHER: N_("other"),
}


def _n(t: Texts, value: int) -> str:
    """A count formatted for the reader (1,000 / 1 000)."""
    return t.number(value)


def refused(t: Texts, error: StockRefused) -> str:
    """Why a receipt or adjustment changed nothing."""
    if error.problem is StockProblem.USAGE_RECEIVE:
        return t._(
            "Send the SKU and the quantity received, and a note if you like:"
            " /receive STP-24 50 delivery from Acme"
        )
    if error.problem is StockProblem.USAGE_ADJUST:
        return t._(
            "Send the SKU, the change (+ or −) and the reason (count, damage, or your words):"
            " /adjust STP-24 -2 damage"
        )
    if error.problem is StockProblem.QUANTITY:
        return t._("The quantity must be a whole number from 1 to %(high)s.") % {
            "high": _n(t, MAX_MOVE)
        }
    if error.problem is StockProblem.REASON:
        return t._(
            "An adjustment needs a reason: count, damage, or a few words (at most %(high)s"
            " characters), e.g. /adjust STP-24 -2 damage"
        ) % {"high": MAX_REASON}
    if error.problem is StockProblem.UNKNOWN_SKU:
        return t._("No product has the SKU %(sku)s.") % {"sku": esc(clip(error.sku, 40))}
    return t._(
        "%(sku)s: %(on_hand)s on hand, %(reserved)s of them reserved for orders; on hand"
        " cannot go below what is reserved. Nothing was changed."
    ) % {
        "sku": esc(error.sku),
        "on_hand": _n(t, error.on_hand),
        "reserved": _n(t, error.reserved),
    }


def moved(t: Texts, move: Moved) -> Screen:
    """A receipt or adjustment recorded, with on hand before → after."""
    if move.kind is MoveKind.RECEIPT:
        head = t._("📥 Received %(qty)s × %(sku)s %(name)s.")
    else:
        head = t._("✏️ Adjusted %(sku)s %(name)s by %(qty)s.")
    lines = [
        head
        % {
            "qty": f"{move.qty:+d}" if move.kind is MoveKind.ADJUSTMENT else _n(t, move.qty),
            "sku": esc(move.sku),
            "name": esc(move.name),
        },
        t._("On hand: %(before)s → %(after)s (reserved %(reserved)s, available %(free)s)")
        % {
            "before": _n(t, move.before),
            "after": _n(t, move.after),
            "reserved": _n(t, move.reserved),
            "free": _n(t, move.after - move.reserved),
        },
    ]
    if move.reason is not None:
        lines.append(t._("Reason: %(reason)s") % {"reason": t._(REASONS[move.reason])})
    if move.note:
        lines.append(t._("Note: %(note)s") % {"note": esc(move.note)})
    return Screen("\n".join(lines))


def _line(t: Texts, row: StockRow, threshold: int) -> str:
    mark = "🔴" if row.available <= 0 else "🟠" if row.available <= threshold else "🟢"
    text = t._(
        "%(mark)s <b>%(sku)s</b> %(name)s: on hand %(on_hand)s, reserved %(reserved)s,"
        " available %(free)s"
    ) % {
        "mark": mark,
        "sku": esc(row.sku),
        "name": esc(clip(row.name, 40)),
        "on_hand": _n(t, row.on_hand),
        "reserved": _n(t, row.reserved),
        "free": _n(t, row.available),
    }
    if row.waiting:
        text += t._(", waiting pre-orders %(n)s") % {"n": _n(t, row.waiting)}
    return text


def report(
    t: Texts, rows: list[StockRow], page: int, threshold: int, *, movers: bool = False
) -> Screen:
    """One page of the stock report, low ones first, with paging and the XLSX button."""
    pages = max(1, -(-len(rows) // PAGE))
    page = min(max(page, 0), pages - 1)
    low = sum(1 for r in rows if r.available <= threshold)
    head = t._("📦 <b>Stock</b>: %(n)s products, %(low)s at or below %(threshold)s available") % {
        "n": _n(t, len(rows)),
        "low": _n(t, low),
        "threshold": _n(t, threshold),
    }
    shown = rows[page * PAGE : (page + 1) * PAGE]
    body = [_line(t, r, threshold) for r in shown] or [t._("No products.")]
    buttons = [
        nav_row(page, pages, lambda p: pack(actions.Stock.PAGE, p)),
        [button(t._("📊 Excel (XLSX)"), pack(actions.Stock.XLSX))],
    ]
    if movers:
        buttons.append(
            [
                button(t._("📥 Receive"), pack(actions.Stock.RECEIVE)),
                button(t._("✏️ Adjust"), pack(actions.Stock.ADJUST)),
            ]
        )
    return Screen("\n".join([head, "", *body]), keyboard(buttons))


def ask_product(t: Texts, receive: bool) -> Screen:
    """The first step of a receipt or adjustment: which product?"""
    if receive:
        return Screen(t._("📥 Receive goods: send the product's SKU or words of its name."))
    return Screen(t._("✏️ Adjust stock: send the product's SKU or words of its name."))


def not_found(t: Texts, words: str) -> str:
    """No product matches what was typed."""
    return t._("No product matches “%(words)s”. Send a SKU or other words, or /cancel.") % {
        "words": esc(clip(words, 40))
    }


def choose(t: Texts, rows: list[StockRow]) -> Screen:
    """Several products match: one button each."""
    return Screen(
        t._("Which product?"),
        keyboard(
            [
                [button(clip(f"{r.sku} {r.name}", 60), pack(actions.Stock.PICK, r.product_id))]
                for r in rows
            ]
        ),
    )


def ask_quantity(t: Texts, row: StockRow, receive: bool) -> Screen:
    """The product chosen: how many?"""
    head = t._("<b>%(sku)s</b> %(name)s: on hand %(on_hand)s, reserved %(reserved)s.") % {
        "sku": esc(row.sku),
        "name": esc(row.name),
        "on_hand": _n(t, row.on_hand),
        "reserved": _n(t, row.reserved),
    }
    if receive:
        ask = t._("How many units arrived? (1 to %(high)s)")
    else:
        ask = t._("By how much? +5 adds, -5 takes away (at most %(high)s).")
    return Screen(head + "\n" + ask % {"high": _n(t, MAX_MOVE)})


def ask_reason(t: Texts) -> Screen:
    """Why the adjustment?"""
    return Screen(
        t._("Why?"),
        keyboard(
            [
                [
                    button(t._("🔢 Count"), pack(actions.Stock.REASON, AdjustReason.COUNT.value)),
                    button(
                        t._("💥 Damage"), pack(actions.Stock.REASON, AdjustReason.DAMAGE.value)
                    ),
                    button(t._("✍️ Other"), pack(actions.Stock.REASON, AdjustReason.OTHER.value)),
                ]
            ]
        ),
    )


def ask_note(t: Texts) -> Screen:
    """An adjustment for another reason: in a few words."""
    return Screen(t._("In a few words, why? (at most %(high)s characters)") % {"high": MAX_REASON})


HEADERS = (
    N_("SKU"),
    N_("Product"),
    N_("On hand"),
    N_("Reserved"),
    N_("Available"),
    N_("Waiting pre-orders"),
    N_("Low"),
)


def to_xlsx(t: Texts, rows: list[StockRow], threshold: int) -> bytes:
    """The stock report as a one-sheet workbook: a bold frozen header row with filters."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = t._("Stock")[:31]
    sheet.append([t._(h) for h in HEADERS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    yes = t._("yes")
    for r in rows:
        low = yes if r.available <= threshold else ""
        sheet.append([r.sku, r.name, r.on_hand, r.reserved, r.available, r.waiting, low])
        for cell in sheet[sheet.max_row][:2]:
            cell.data_type = "s"  # text as typed, never a formula
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for column, width in zip("ABCDEFG", (14, 40, 10, 10, 10, 12, 6), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def file_caption(t: Texts, rows: list[StockRow]) -> str:
    """The XLSX's caption."""
    return t._("📦 Stock of %(n)s products") % {"n": _n(t, len(rows))}


def low_stock(t: Texts, row: StockRow, threshold: int) -> Screen:
    """To the warehouse and admins: a product's available stock fell to the threshold."""
    text = t._(
        "⚠️ Low stock (补货): <b>%(sku)s</b> %(name)s has %(free)s available"
        " (on hand %(on_hand)s, reserved %(reserved)s; alert at %(threshold)s)."
    ) % {
        "sku": esc(row.sku),
        "name": esc(row.name),
        "free": _n(t, row.available),
        "on_hand": _n(t, row.on_hand),
        "reserved": _n(t, row.reserved),
        "threshold": _n(t, threshold),
    }
    if row.waiting:
        text += "\n" + t._("Waiting pre-orders: %(n)s units.") % {"n": _n(t, row.waiting)}
    return Screen(
        text
        + "\n"
        + t._("Record arriving goods with /receive %(sku)s QTY") % {"sku": esc(row.sku)}
    )
