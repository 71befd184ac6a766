-- A fifth check on submission: an overdue balance sends the order to a manager.
CREATE TABLE order_checks_new (
    order_id INTEGER NOT NULL REFERENCES orders (id),
    name     TEXT NOT NULL CHECK (name IN ('stock', 'credit', 'overdue', 'discount', 'amount')),
    verdict  TEXT NOT NULL CHECK (verdict IN ('ok', 'warn', 'manager')),
    detail   INTEGER,
    PRIMARY KEY (order_id, name)
);
INSERT INTO order_checks_new (order_id, name, verdict, detail)
    SELECT order_id, name, verdict, CAST(detail AS INTEGER) FROM order_checks;
DROP TABLE order_checks;
ALTER TABLE order_checks_new RENAME TO order_checks;
