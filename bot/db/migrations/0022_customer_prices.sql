-- A customer's price list: special unit prices per product, set by managers (issue 14, item 5).
-- A special price replaces the list and tier prices for that customer; the standing discount
-- (customers.discount_bp) still applies to the order as before.
CREATE TABLE customer_prices (
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    product_id  INTEGER NOT NULL REFERENCES products (id),
    unit_price  INTEGER NOT NULL CHECK (unit_price > 0 AND unit_price < 1000000000000),
    set_by      INTEGER NOT NULL REFERENCES users (id),
    set_at      TEXT NOT NULL,
    UNIQUE (customer_id, product_id)
);
