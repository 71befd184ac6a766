-- A line found short while picking, and what the customer chose to do about it.

ALTER TABLE order_lines ADD COLUMN cancelled_qty INTEGER NOT NULL DEFAULT 0
    CHECK (cancelled_qty >= 0);

CREATE TABLE shortages (
    id            INTEGER PRIMARY KEY,
    order_line_id INTEGER NOT NULL REFERENCES order_lines (id),
    available     INTEGER NOT NULL CHECK (available >= 0),
    expected_date TEXT,
    reported_by   INTEGER REFERENCES users (id),
    reported_at   TEXT NOT NULL,
    choice        TEXT CHECK (choice IS NULL
                      OR choice IN ('wait', 'substitute', 'ship_available', 'cancel_line')),
    chosen_at     TEXT
);
CREATE INDEX shortages_line ON shortages (order_line_id);
