-- /profile: a phone number is used by one customer only (looked up on every registration and
-- change), and a customer may mark one saved address as the default that checkout offers first.
CREATE INDEX customers_phone ON customers (phone);
ALTER TABLE addresses ADD COLUMN is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1));
