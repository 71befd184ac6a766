-- Money in: invoices with their due dates (one, or a schedule of instalments) and payments.

CREATE TABLE invoices (
    id        INTEGER PRIMARY KEY,
    order_id  INTEGER NOT NULL UNIQUE REFERENCES orders (id),
    number    TEXT NOT NULL UNIQUE,
    amount    INTEGER NOT NULL CHECK (amount >= 0),
    issued_at TEXT NOT NULL,
    issued_by INTEGER REFERENCES users (id)
);

CREATE TABLE due_dates (
    order_id INTEGER NOT NULL REFERENCES orders (id),
    seq      INTEGER NOT NULL CHECK (seq >= 1),
    due_on   TEXT NOT NULL,
    amount   INTEGER NOT NULL CHECK (amount > 0),
    PRIMARY KEY (order_id, seq)
);
CREATE INDEX due_dates_due ON due_dates (due_on);

CREATE TABLE payments (
    id          INTEGER PRIMARY KEY,
    order_id    INTEGER NOT NULL REFERENCES orders (id),
    amount      INTEGER NOT NULL CHECK (amount > 0),
    method      TEXT NOT NULL CHECK (method IN ('bank_transfer', 'cash', 'card', 'other')),
    paid_on     TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by INTEGER REFERENCES users (id)
);
CREATE INDEX payments_order ON payments (order_id);

CREATE TABLE invoice_counters (
    day  TEXT PRIMARY KEY,
    last INTEGER NOT NULL
);
