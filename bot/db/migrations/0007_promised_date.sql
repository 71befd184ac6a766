-- The ship date a rep or manager promises when approving (drives the shipping reminders).
ALTER TABLE orders ADD COLUMN promised_date TEXT;
-- The discount of this order in basis points (a rep may set it apart from the customer's).
ALTER TABLE order_reviews ADD COLUMN discount_bp INTEGER;
