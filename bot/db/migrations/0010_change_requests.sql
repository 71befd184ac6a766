-- Requests may now also be changes (address, note, a line's quantity) after approval.
CREATE TABLE order_requests_new (
    id           INTEGER PRIMARY KEY,
    order_id     INTEGER NOT NULL REFERENCES orders (id),
    kind         TEXT NOT NULL CHECK (kind IN ('cancel', 'change')),
    reason       TEXT NOT NULL,
    before       TEXT,
    after        TEXT,
    state        TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'approved', 'declined')),
    requested_by INTEGER NOT NULL REFERENCES users (id),
    requested_at TEXT NOT NULL,
    decided_by   INTEGER REFERENCES users (id),
    decided_at   TEXT
);
INSERT INTO order_requests_new SELECT id, order_id, kind, reason, before, after, state,
    requested_by, requested_at, decided_by, decided_at FROM order_requests;
DROP TABLE order_requests;
ALTER TABLE order_requests_new RENAME TO order_requests;
CREATE UNIQUE INDEX order_requests_open ON order_requests (order_id) WHERE state = 'open';
