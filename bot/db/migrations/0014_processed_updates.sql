-- Telegram updates whose effects are in the database (written in the same transaction), so an
-- update delivered again after a crash changes nothing. `at` is Unix time; kept for two days.
CREATE TABLE processed_updates (
    update_id INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL
);

-- A payment or a shipment confirmed again (a button left over from before a restart) is
-- recorded once: each confirmation screen carries a token.
ALTER TABLE payments ADD COLUMN token TEXT;
CREATE UNIQUE INDEX payments_token ON payments (token) WHERE token IS NOT NULL;
ALTER TABLE shipments ADD COLUMN token TEXT;
CREATE UNIQUE INDEX shipments_token ON shipments (token) WHERE token IS NOT NULL;
