-- Requests after approval: a customer asks, staff decide; before and after are kept.

CREATE TABLE order_requests (
    id           INTEGER PRIMARY KEY,
    order_id     INTEGER NOT NULL REFERENCES orders (id),
    kind         TEXT NOT NULL CHECK (kind IN ('cancel')),
    reason       TEXT NOT NULL,
    before       TEXT,
    after        TEXT,
    state        TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'approved', 'declined')),
    requested_by INTEGER NOT NULL REFERENCES users (id),
    requested_at TEXT NOT NULL,
    decided_by   INTEGER REFERENCES users (id),
    decided_at   TEXT
);
-- At most one open request per order.
CREATE UNIQUE INDEX order_requests_open ON order_requests (order_id) WHERE state = 'open';

-- Money to pay back when an order that was paid (in part) is cancelled.
ALTER TABLE orders ADD COLUMN refund_due INTEGER NOT NULL DEFAULT 0 CHECK (refund_due >= 0);
