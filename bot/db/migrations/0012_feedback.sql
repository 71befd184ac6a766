-- Customers' ratings of delivered orders (once per order), and the reports' reads.

CREATE TABLE order_feedback (
    order_id   INTEGER PRIMARY KEY REFERENCES orders (id),
    rating     INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment    TEXT CHECK (comment IS NULL OR length(comment) BETWEEN 1 AND 1000),
    created_at TEXT NOT NULL
);
CREATE INDEX order_feedback_created ON order_feedback (created_at);

-- When the customer was asked to rate: they are asked once, however delivery was recorded.
CREATE TABLE feedback_requests (
    order_id INTEGER PRIMARY KEY REFERENCES orders (id),
    asked_at TEXT NOT NULL
);

-- Reports find status changes (approved, cancelled) by when they happened.
CREATE INDEX audit_log_action_at ON audit_log (action, at) WHERE entity = 'order';
