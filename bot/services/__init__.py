"""Business operations: take and return domain values, raise domain errors; no telegram here."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.config import Config
from bot.db import Database
from bot.runtime.foreground import Foreground
from bot.runtime.offload import Offload
from bot.services.approvals import ApprovalService
from bot.services.batch_orders import BatchOrderService
from bot.services.business import BusinessService
from bot.services.cart import CartService
from bot.services.catalog import CatalogService
from bot.services.changes import ChangeService
from bot.services.checkout import CheckoutService
from bot.services.custom_orders import CustomOrderService
from bot.services.customer_admin import CustomerAdminService
from bot.services.customers import CustomerService
from bot.services.exports import ExportService
from bot.services.feedback import FeedbackService
from bot.services.finance import FinanceService
from bot.services.fulfilment import FulfilmentService
from bot.services.intake import IntakeService
from bot.services.invoices import InvoiceService
from bot.services.notices import OutboxService
from bot.services.online_payments import OnlinePaymentService
from bot.services.orders import OrderService
from bot.services.product_editor import ProductEditorService
from bot.services.quick_order import QuickOrderService
from bot.services.reminders import ReminderService
from bot.services.reports import ReportService
from bot.services.requests import RequestService
from bot.services.shortages import ShortageService
from bot.services.staff import StaffService
from bot.services.staff_orders import StaffOrderService
from bot.services.statements import StatementService
from bot.services.stock import StockService
from bot.services.users import UserService


@dataclass(frozen=True)
class Services:
    """Every service, built once by the composition root."""

    users: UserService
    customers: CustomerService
    catalog: CatalogService
    cart: CartService
    checkout: CheckoutService
    orders: OrderService
    staff: StaffService
    approvals: ApprovalService
    fulfilment: FulfilmentService
    finance: FinanceService
    requests: RequestService
    staff_orders: StaffOrderService
    customer_admin: CustomerAdminService
    shortages: ShortageService
    changes: ChangeService
    reminders: ReminderService
    exports: ExportService
    invoices: InvoiceService
    quick_order: QuickOrderService
    intake: IntakeService
    batch_orders: BatchOrderService
    reports: ReportService
    feedback: FeedbackService
    custom: CustomOrderService
    outbox: OutboxService
    online_payments: OnlinePaymentService
    statements: StatementService
    stock: StockService
    product_editor: ProductEditorService
    business: BusinessService

    @classmethod
    def build(
        cls,
        db: Database,
        config: Config,
        clock: Clock,
        offload: Offload | None = None,
        foreground: Foreground | None = None,
    ) -> Services:
        """Wire the services to one database, configuration and clock (heavy work in the
        worker processes of `offload`, without on a thread; work that can wait goes between
        the updates `foreground` counts)."""
        return cls(
            users=UserService(db, config, clock),
            customers=CustomerService(db, config, clock),
            catalog=CatalogService(db, config, clock),
            cart=CartService(db, config, clock),
            checkout=CheckoutService(db, config, clock),
            orders=OrderService(db, config, clock),
            staff=StaffService(db, config, clock),
            approvals=ApprovalService(db, config, clock),
            fulfilment=FulfilmentService(db, config, clock),
            finance=FinanceService(db, config, clock),
            requests=RequestService(db, config, clock),
            staff_orders=StaffOrderService(db, config, clock),
            customer_admin=CustomerAdminService(db, config, clock),
            shortages=ShortageService(db, config, clock),
            changes=ChangeService(db, config, clock),
            reminders=ReminderService(db, config, clock),
            exports=ExportService(db, config, clock, offload),
            invoices=InvoiceService(db, config, clock),
            quick_order=QuickOrderService(db, config, clock),
            intake=IntakeService(db, config, clock),
            batch_orders=BatchOrderService(db, config, clock, offload, foreground),
            reports=ReportService(db, config, clock),
            feedback=FeedbackService(db, config, clock),
            custom=CustomOrderService(db, config, clock),
            outbox=OutboxService(db, config, clock),
            online_payments=OnlinePaymentService(db, config, clock),
            statements=StatementService(db, config, clock),
            stock=StockService(db, config, clock),
            product_editor=ProductEditorService(db, config, clock),
            business=BusinessService(db, config, clock),
        )
