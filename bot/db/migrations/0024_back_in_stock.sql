-- "Tell me when it is back": a person waiting for an out-of-stock product, told once when it
-- is available again (the row goes in the transaction that tells them).
CREATE TABLE stock_watches (
    user_id    INTEGER NOT NULL REFERENCES users (id),
    product_id INTEGER NOT NULL REFERENCES products (id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (product_id, user_id)
) WITHOUT ROWID;
