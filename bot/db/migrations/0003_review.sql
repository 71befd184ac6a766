-- Review on submission: the automatic checks' verdicts, who must decide, and who did.

ALTER TABLE customers ADD COLUMN trusted INTEGER NOT NULL DEFAULT 0 CHECK (trusted IN (0, 1));

CREATE TABLE order_reviews (
    order_id    INTEGER PRIMARY KEY REFERENCES orders (id),
    -- who must decide: nobody (approved automatically), the customer's rep, or a manager
    route       TEXT NOT NULL CHECK (route IN ('auto', 'rep', 'manager')),
    rep_id      INTEGER REFERENCES users (id),
    decided_by  INTEGER REFERENCES users (id),
    decided_at  TEXT
);
CREATE INDEX order_reviews_route ON order_reviews (route, rep_id);

CREATE TABLE order_checks (
    order_id INTEGER NOT NULL REFERENCES orders (id),
    name     TEXT NOT NULL CHECK (name IN ('stock', 'credit', 'discount', 'amount')),
    verdict  TEXT NOT NULL CHECK (verdict IN ('ok', 'warn', 'manager')),
    detail   TEXT,
    PRIMARY KEY (order_id, name)
);
