-- Reminders: every reminder decided, once (the unique key), and what became of it;
-- people who blocked the bot; customers whose reminders staff paused.

CREATE TABLE reminders (
    id         INTEGER PRIMARY KEY,
    -- the order concerned; 0 for the daily digest
    order_id   INTEGER NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('payment', 'overdue', 'approval', 'ship_late',
                   'delivery', 'digest')),
    -- the instalment, the shipment, or the digest's day (YYYYMMDD); 0 when none
    ref        INTEGER NOT NULL,
    -- the step: days from the due date, the approval nudge, the delivery step
    level      INTEGER NOT NULL,
    chat_id    INTEGER NOT NULL,
    topic_id   INTEGER NOT NULL DEFAULT 0,
    -- the person written to; NULL for a group chat
    user_id    INTEGER REFERENCES users (id),
    -- whom it was written to as: the customer, their rep, or a role
    audience   TEXT NOT NULL CHECK (audience IN ('customer', 'rep', 'finance', 'managers',
                   'warehouse')),
    status     TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed',
                   'unreachable', 'dropped')),
    decided_at TEXT NOT NULL,
    sent_at    TEXT,
    error      TEXT,
    UNIQUE (order_id, kind, ref, level, chat_id, topic_id)
);
CREATE INDEX reminders_queued ON reminders (id) WHERE status = 'queued';

-- Set when Telegram answered 403 (blocked); cleared when the person writes again.
ALTER TABLE users ADD COLUMN unreachable_at TEXT;
-- Set while staff hold a customer's reminders (a dispute, say).
ALTER TABLE customers ADD COLUMN reminders_paused_at TEXT;

-- The scan reads open balances and shipments in transit, never the whole book.
CREATE INDEX orders_open_balance ON orders (customer_id)
    WHERE payment_status IN ('unpaid', 'partially_paid')
    AND status NOT IN ('cancelled', 'rejected');
CREATE INDEX shipments_in_transit ON shipments (order_id) WHERE delivered_at IS NULL;
