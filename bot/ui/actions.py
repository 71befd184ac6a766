"""Every callback code OrderDesk puts on a button: one `Action` enum per area.

The codes are on the wire: buttons already sent must keep working after an upgrade, so a code
is never changed or reused; a new button gets a new member here, a `pack(...)` in its view and
a handler registered with `pattern(...)` (tests/unit/test_callback_routes.py checks both).
"""

from __future__ import annotations

from bot.ui.callbacks import Action


class Language(Action, area="lang"):
    """/language."""

    SET = "set"


class Registration(Action, area="reg"):
    """Signing up (bot/conversations/registration.py)."""

    SKIP_COMPANY = "skip"


class Profile(Action, area="prf"):
    """/profile and its address list."""

    NAME = "name"
    PHONE = "phone"
    COMPANY = "company"
    ADDRESSES = "addr"
    DONE = "done"
    DEFAULT_ADDRESS = "def"
    REMOVE_ADDRESS = "rm"
    ADD_ADDRESS = "add"
    HOME = "home"
    NO_COMPANY = "nocomp"


class Catalog(Action, area="cat"):
    """Browsing the catalog."""

    HOME = "home"
    CATEGORY = "c"
    PRODUCT = "p"
    SEARCH_PAGE = "s"
    FIND = "find"
    TELL_WHEN_BACK = "w"


class Cart(Action, area="cart"):
    """The cart."""

    SHOW = "show"
    ADD = "add"
    INC = "inc"
    DEC = "dec"
    REMOVE = "rm"
    CLEAR = "clear"
    FIT = "fit"
    ASK = "ask"
    SET = "set"


class QuickOrder(Action, area="qo"):
    """Quick order (typed lines)."""

    START = "start"
    PICK = "pk"
    NONE = "no"
    ADD = "add"
    RETYPE = "re"
    CANCEL = "x"


class Checkout(Action, area="co"):
    """Checking out."""

    START = "start"
    DELIVERY = "dl"
    ADDRESS = "ad"
    DATE = "dt"
    TERM = "pt"
    NOTE = "nt"
    FIT = "fit"
    CONFIRM = "ok"
    EDIT = "ed"
    CANCEL = "x"


class Order(Action, area="ord"):
    """A customer's orders."""

    LIST = "l"
    VIEW = "v"
    REPEAT = "rp"
    CHANGE = "ch"
    CANCEL = "cx"
    CANCEL_REASON = "cr"
    KEEP = "keep"


class ChangeOrder(Action, area="chg"):
    """Changing an order before it is approved."""

    ADDRESS = "a"
    NOTE = "n"
    LINE = "l"
    ADD_PRODUCT = "p"
    PRODUCT_PICKED = "pp"


class StaffOrders(Action, area="sol"):
    """Staff's /orders."""

    PAGE = "p"


class Staff(Action, area="stf"):
    """Staff administration and the staff's order card."""

    INVITE = "inv"
    LIST = "list"
    MEMBER = "m"
    GRANT = "gr"
    REVOKE = "rv"
    REVOKE_CONFIRMED = "rvok"
    ORDER = "o"
    CANCEL = "cx"  # cancel an approved order for its customer: the reason typed
    CANCEL_CONFIRMED = "cxok"  # ... and confirmed
    CANCEL_KEPT = "cxno"  # ... or not
    DISCOUNT_LIMIT = "dl"  # a rep's own discount limit: typed
    DEFAULT_LIMIT = "dld"  # a rep's discount limit back to the configuration's


class Approval(Action, area="apv"):
    """Deciding orders."""

    VIEW = "v"
    APPROVE = "ok"
    REJECT = "rj"
    ESCALATE = "esc"
    ADJUST = "adj"
    TERM = "at"
    PROMISE = "ap"
    DISCOUNT = "dc"
    QUANTITY = "aq"


class Delivery(Action, area="dlv"):
    """Delivery confirmations."""

    RECEIVED = "r"
    DELIVERED = "w"


class Ship(Action, area="shp"):
    """Shipping an order (warehouse)."""

    ORDER = "o"
    QUANTITY = "q"
    NEXT = "next"
    CARRIER = "c"
    NO_TRACKING = "nt"
    EXPECTED = "d"
    CONFIRM = "ok"
    CANCEL = "x"


class Shortage(Action, area="sht"):
    """A line that cannot be shipped in full."""

    REPORT = "r"
    EXPECTED = "d"
    CHOICE = "c"


class Finance(Action, area="fin"):
    """Finance buttons."""

    INVOICE = "inv"
    CUSTOMER = "c"
    PAUSE_REMINDERS = "rm"
    PAID = "paid"


class Payment(Action, area="pay"):
    """Recording a payment."""

    ORDER = "o"
    FULL = "full"
    METHOD = "m"
    TODAY = "d"
    CONFIRM = "ok"
    CANCEL = "x"


class Refund(Action, area="rfd"):
    """Recording a refund."""

    ORDER = "o"
    FULL = "full"
    METHOD = "m"
    TODAY = "d"
    CONFIRM = "ok"
    CANCEL = "x"


class OnlinePayment(Action, area="ipay"):
    """Paying online."""

    PAY = "go"


class Request(Action, area="req"):
    """Deciding customers' requests."""

    APPROVE = "ok"
    DECLINE = "no"
    CONFIRM = "yes"
    VIEW = "v"


class Customer(Action, area="cus"):
    """Customer management."""

    VIEW = "v"
    TRUSTED = "tr"
    TERM = "pt"
    CHOOSE_REP = "rp"
    ASSIGN_REP = "ra"
    PAUSE_REMINDERS = "rm"
    PRICES = "sp"
    REMOVE_PRICE = "sr"
    ADD_PRICE = "sa"
    DISCOUNT = "dc"
    CREDIT_LIMIT = "cl"


class OrderFor(Action, area="ob"):
    """A rep placing an order for a customer."""

    START = "go"
    PICK = "pk"
    NONE = "no"
    DELIVERY = "dl"
    ADDRESS = "ad"
    TERM = "pt"
    PLACE = "ok"
    CANCEL = "x"


class Report(Action, area="rpt"):
    """/report."""

    HOME = "h"
    PERIOD = "p"
    OTHER_DATES = "c"
    VIEW = "v"


class Export(Action, area="exp"):
    """/export."""

    HOME = "h"
    DATASET = "d"
    PERIOD = "p"
    OTHER_DATES = "c"
    FILE = "f"


class Statement(Action, area="stm"):
    """Statements of account."""

    VIEW = "v"
    OTHER_DATES = "c"
    FILE = "f"


class Stock(Action, area="stk"):
    """The stock report, receiving and adjusting."""

    PAGE = "p"
    XLSX = "x"
    RECEIVE = "r"
    ADJUST = "a"
    PICK = "pick"
    REASON = "why"


class Batch(Action, area="bt"):
    """Batch orders from a spreadsheet."""

    TEMPLATE = "tpl"
    CREATE = "ok"
    CANCEL = "x"


class Feedback(Action, area="fb"):
    """Rating a delivered order."""

    RATE = "r"
    SKIP = "skip"


class Custom(Action, area="cu"):
    """Custom orders, the customer's side."""

    START = "start"
    PHOTOS_DONE = "done"
    NO_DATE = "nodate"
    SEND = "send"
    WITHDRAW = "wd"
    ACCEPT = "ok"
    DECLINE = "no"
    ANSWER = "ans"
    CANCEL = "x"


class CustomQuote(Action, area="cq"):
    """Custom orders, the rep's side."""

    QUOTE = "q"
    ASK = "a"
    CANCEL = "x"


class ProductEditor(Action, area="pe"):
    """The product editor."""

    LIST = "list"
    CARD = "card"
    WITHDRAW = "off"
    RESTORE = "on"
    ADD = "add"
    EDIT = "ed"
    CATEGORIES = "cats"
    RENAME_CATEGORY = "cr"
    NEW_CATEGORY = "cn"
    CATEGORY = "cat"
    UNIT = "unit"
    PREORDER = "pre"
    SKIP = "skip"
    SAVE = "save"


class Business(Action, area="biz"):
    """/business: the seller's switches for a Telegram Business connection and its chats."""

    MASTER = "m"
    CHAT = "c"


AREAS: tuple[type[Action], ...] = tuple(Action.__subclasses__())
