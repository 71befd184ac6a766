-- Monthly statements of account: one row per customer and month whose statement was posted to
-- the outbox, written in the same transaction as the notice, so each customer gets a month's
-- statement once, however often the job runs and whatever restarts in between.
CREATE TABLE monthly_statements (
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    month       TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    closing     INTEGER NOT NULL,
    posted_at   TEXT NOT NULL,
    PRIMARY KEY (customer_id, month)
) WITHOUT ROWID;
