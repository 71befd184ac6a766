"""Domain errors told to the user in their language; never raw exception text."""

from __future__ import annotations

from bot.domain.batch import BatchFileInvalid, BatchStopped
from bot.domain.errors import (
    AlreadyDecided,
    AwaitingPayment,
    CartEmpty,
    DiscountOverLimit,
    DomainError,
    DraftIncomplete,
    FeedbackGiven,
    FeedbackNotOpen,
    InputProblem,
    InvalidInput,
    InviteInvalid,
    InvoiceNotFound,
    LineSettled,
    LinesUnavailable,
    NotAllowed,
    NotARep,
    NotEnoughStock,
    NothingToShip,
    NotInCatalog,
    NotInvoiceable,
    NotInvoiced,
    NotPayable,
    NotRegistered,
    OptionNotOffered,
    OrderNotFound,
    OutOfStockToShip,
    ProductNotFound,
    QuoteExpired,
    ReasonRequired,
    RefundOverDue,
    RequestClosed,
    RequestOpen,
    RequestWaiting,
    StaffNotFound,
    TransitionRefused,
    UnknownSku,
)
from bot.i18n import N_, Texts, fill
from bot.ui import batch_views
from bot.ui.labels import ORDER_STATUS
from bot.ui.screen import clip, esc

INPUT = {
    InputProblem.NOT_TEXT: N_("Please answer with text."),
    InputProblem.QUANTITY_NOT_NUMBER: N_(
        "Please send the quantity as a whole number from %(low)s to %(high)s."
    ),
    InputProblem.QUANTITY_RANGE: N_("The quantity must be from %(low)s to %(high)s."),
    InputProblem.NAME_LENGTH: N_("The name must be %(low)s to %(high)s characters long."),
    InputProblem.NAME_LETTERS: N_("A name needs at least %(low)s letters."),
    InputProblem.PHONE_INVALID: N_(
        "That does not look like a phone number. Send it with the country code, "
        "e.g. +86 138 0013 8000, or press the button."
    ),
    InputProblem.PHONE_TAKEN: N_(
        "This phone number is already registered to another customer. Please send your own "
        "number; if it is yours, ask us to help."
    ),
    InputProblem.COMPANY_LENGTH: N_("The company name must be %(low)s to %(high)s characters."),
    InputProblem.ADDRESS_LENGTH: N_("The address must be %(low)s to %(high)s characters long."),
    InputProblem.ADDRESS_LIMIT: N_(
        "You have %(high)s saved addresses, the most there may be. Remove one first."
    ),
    InputProblem.ADDRESS_LAST: N_("This is your only address: add another before removing it."),
    InputProblem.ADDRESS_GONE: N_("That address is no longer saved. Please open /profile again."),
    InputProblem.NOTE_LENGTH: N_("The note must be at most %(high)s characters long."),
    InputProblem.REASON_LENGTH: N_("The reason must be %(low)s to %(high)s characters long."),
    InputProblem.DATE_INVALID: N_("Please send a date like 2026-12-24, or press a button."),
    InputProblem.DATE_RANGE: N_("Please choose a date from %(low)s to %(high)s."),
    InputProblem.NOT_WORKING_DAY: N_(
        "We do not deliver on that day (a weekend or holiday). Please choose a working day."
    ),
    InputProblem.SEARCH_EMPTY: N_("What should I look for? Example: /search paper"),
    InputProblem.CARRIER_LENGTH: N_("The carrier's name must be %(low)s to %(high)s characters."),
    InputProblem.TRACKING_INVALID: N_(
        "A tracking number has 3 to 40 letters, digits and dashes, e.g. SF1234567890."
    ),
    InputProblem.AMOUNT_INVALID: N_("Please send an amount like 1234.50."),
    InputProblem.ORDER_NUMBER_MISSING: N_(
        "Which order? Send its number too, e.g. SO-20261123-0042"
    ),
    InputProblem.PERCENT_INVALID: N_(
        "Please send a percentage from %(low)s to %(high)s, e.g. 7.5"
    ),
    InputProblem.ORDER_LINES_INVALID: N_(
        "Line %(low)s is not understood: send SKU and quantity (1 to %(high)s), e.g. STP-24 5"
    ),
    InputProblem.TIME_ZONE_UNKNOWN: N_(
        "Unknown time zone. Send a name such as /timezone Europe/Berlin or /timezone Shanghai"
    ),
    InputProblem.PERIOD_INVALID: N_(
        "Please send the first and the last day, e.g. 2026-11-01 2026-11-23 "
        "(at most %(high)s days)."
    ),
    InputProblem.COMMENT_LENGTH: N_("The comment must be %(low)s to %(high)s characters long."),
    InputProblem.DESCRIPTION_LENGTH: N_("Please write %(low)s to %(high)s characters."),
    InputProblem.LEAD_DAYS: N_(
        "The lead time must be a whole number of days, %(low)s to %(high)s."
    ),
    InputProblem.SKU_INVALID: N_(
        "A SKU holds letters, digits, '.', '_' or '-' (32 at most). Example: A4-PAPER-80"
    ),
    InputProblem.SKU_TAKEN: N_("The SKU %(low)s is used by another product. Please send another."),
    InputProblem.PRODUCT_TEXT_LENGTH: N_("Please keep it from %(low)s to %(high)s characters."),
    InputProblem.TIERS_INVALID: N_(
        "Send one tier a line, like “10+ = 3.20” (at least 2 units, a price above 0), or Skip."
    ),
    InputProblem.PHOTO_TOO_LARGE: N_("That photo is too large (at most %(high)s MB)."),
    InputProblem.PHOTO_EXPECTED: N_("Please send a photo of the product, or press Skip."),
    InputProblem.QUICK_EMPTY: N_(
        "Which products? Send them like: 3 x A4 paper, 2 toner TN-2420, 1 stapler"
    ),
    InputProblem.QUICK_TOO_LONG: N_(
        "That is too long for one order: at most %(high)s characters, please."
    ),
    InputProblem.QUICK_TOO_MANY: N_("At most %(high)s products at once, please."),
    InputProblem.QUICK_QUANTITY: N_(
        "Item %(low)s: the quantity must be a whole number from 1 to %(high)s."
    ),
    InputProblem.QUICK_NO_PRODUCT: N_(
        "Item %(low)s has a quantity but no product. Example: 3 x A4 paper"
    ),
    InputProblem.QUICK_NAME_LONG: N_(
        "Item %(low)s is too long: name a product in at most %(high)s characters."
    ),
    InputProblem.ORDER_FILTER: N_(
        "I did not understand “%(low)s”. Examples: /orders acme, /orders late, "
        "/orders status:approved from:2026-11-01 to:2026-11-30"
    ),
    InputProblem.ORDER_FILTER_LONG: N_(
        "“%(low)s” is too long: part of the customer's name, company or phone is enough."
    ),
    InputProblem.ROLE_UNKNOWN: N_(
        "Which role? One of: rep, manager, warehouse, finance, admin. Example: /invite warehouse"
    ),
}


def describe(error: DomainError, t: Texts) -> str:
    """A clear message for a domain error."""
    if isinstance(error, InvalidInput):
        bounds = {
            "low": t.number(error.low) if isinstance(error.low, int) else esc(str(error.low)),
            "high": t.number(error.high) if isinstance(error.high, int) else error.high,
        }
        return fill(t._(INPUT[error.problem]), bounds)
    if isinstance(error, NotRegistered):
        return t._("Please register first: send /start.")
    if isinstance(error, ProductNotFound):
        return t._("This product is no longer available.")
    if isinstance(error, NotEnoughStock):
        if error.available <= 0:
            return t._("Sorry, this product is out of stock.")
        return t.ngettext(
            "Only %(n)s unit is available.", "Only %(n)s units are available.", error.available
        ) % {"n": t.number(error.available)}
    if isinstance(error, CartEmpty):
        return t._("Your cart is empty. Browse the /catalog to add products.")
    if isinstance(error, LinesUnavailable):
        return t._("Some products in your cart are no longer available in that quantity.")
    if isinstance(error, OptionNotOffered):
        return t._("That option is not available to you. Please choose another.")
    if isinstance(error, OrderNotFound):
        return t._("No such order among yours. See /orders.")
    if isinstance(error, LineSettled):
        return t._(
            "Some of that line has shipped or was cut short, so its quantity can no longer change."
        )
    if isinstance(error, TransitionRefused):
        return t._("This order is %(status)s, so that is no longer possible.") % {
            "status": t._(ORDER_STATUS[error.current])
        }
    if isinstance(error, ReasonRequired):
        return t._("Please give a reason.")
    if isinstance(error, UnknownSku):
        return t._("No product has the SKU %(sku)s.") % {"sku": error.sku}
    if isinstance(error, BatchFileInvalid):
        return batch_views.file_problem(t, error)
    if isinstance(error, BatchStopped):
        return batch_views.stopped(t, error)
    if isinstance(error, NotInCatalog):
        return t._("Not found: %(words)s. Please send the lines again.") % {
            "words": ", ".join(f"“{esc(clip(w, 40))}”" for w in error.words[:5])
        }
    if isinstance(error, DiscountOverLimit):
        return t._("A rep may give at most %(limit)s%%; escalate to a manager for more.") % {
            "limit": f"{error.limit_bp / 100:g}"
        }
    if isinstance(error, RequestOpen):
        return t._("A request for this order is already waiting for our team.")
    if isinstance(error, RequestClosed):
        if error.number and error.approved is not None:
            done = t._("approved") if error.approved else t._("declined")
            return t._("The request on order %(number)s was already %(done)s.") % {
                "number": error.number,
                "done": done,
            }
        return t._("This request was already decided.")
    if isinstance(error, QuoteExpired):
        return t._("This quote is no longer valid: it expired, or a newer one replaced it.")
    if isinstance(error, RefundOverDue):
        if not error.due:
            return t._("Nothing is due to be paid back on this order.")
        return t._("That is more than is due to be paid back (%(due)s).") % {
            "due": t.money(error.due)
        }
    if isinstance(error, AwaitingPayment):
        return t._("This order is prepaid: it ships once it is paid in full.")
    if isinstance(error, NotPayable):
        return t._("Nothing is owed on this order.")
    if isinstance(error, NotInvoiceable):
        return t._(
            "This order cannot take an invoice or payment now (or has its invoice already)."
        )
    if isinstance(error, InvoiceNotFound):
        return t._("No such invoice among yours. Example: /invoice INV-20261123-0001")
    if isinstance(error, NotInvoiced):
        return t._("This order has no invoice yet.")
    if isinstance(error, NothingToShip):
        return t._("Choose at least one unit, and no more than is left to ship.")
    if isinstance(error, OutOfStockToShip):
        return t._("The warehouse has too few units of %(sku)s for this shipment.") % {
            "sku": error.sku
        }
    if isinstance(error, AlreadyDecided):
        status = t._(ORDER_STATUS[error.status])
        values = {"number": error.number, "status": status, "name": error.by}
        if error.number and error.by:
            return t._("Order %(number)s was already %(status)s by %(name)s.") % values
        if error.number:
            return t._("Order %(number)s is already %(status)s.") % values
        if error.by:
            return t._("Already decided: %(status)s by %(name)s.") % {
                "status": status,
                "name": error.by,
            }
        return t._("Already decided: %(status)s.") % {"status": status}
    if isinstance(error, NotAllowed):
        return t._("Sorry, this is only for staff with the right role.")
    if isinstance(error, InviteInvalid):
        return t._("This invite link is not valid any more. Ask for a new one.")
    if isinstance(error, StaffNotFound):
        return t._("No such person.")
    if isinstance(error, RequestWaiting):
        return t._("The customer's request on this order waits for a decision: decide it first.")
    if isinstance(error, NotARep):
        return t._("Only a sales rep has a discount limit.")
    if isinstance(error, FeedbackNotOpen):
        return t._("An order can be rated once it is delivered.")
    if isinstance(error, FeedbackGiven):
        return t._("Your feedback on this order is recorded already. Thank you!")
    if isinstance(error, DraftIncomplete):
        return t._("Some checkout steps are not answered yet.")
    return t._("Sorry, that did not work.")
