-- The stock ledger: every unit that comes in or goes out is a row. A product's on-hand stock is
-- the sum of its rows; products.stock_on_hand is kept equal to it as a cache (the reservation
-- CHECK reserved <= stock_on_hand reads it). What every product held when the ledger began is
-- its 'opening' row, so the history is whole.
CREATE TABLE stock_moves (
    id         INTEGER PRIMARY KEY,
    product_id INTEGER NOT NULL REFERENCES products (id),
    qty        INTEGER NOT NULL CHECK (qty <> 0),
    kind       TEXT NOT NULL
                   CHECK (kind IN ('opening', 'receipt', 'adjustment', 'import', 'shipment')),
    reason     TEXT,
    by_user    INTEGER REFERENCES users (id),
    at         TEXT NOT NULL
);
CREATE INDEX stock_moves_product ON stock_moves (product_id, id);

INSERT INTO stock_moves (product_id, qty, kind, reason, by_user, at)
SELECT id, stock_on_hand, 'opening', NULL, NULL, strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')
FROM products WHERE stock_on_hand > 0;

-- Products whose available stock fell to the low-stock threshold and whose warehouse was told:
-- told once per crossing. The row goes as soon as available stock rises above the threshold it
-- was told at, whatever raised it (a receipt, a release, a cancelled order), so the next fall
-- is told again.
CREATE TABLE low_stock (
    product_id INTEGER PRIMARY KEY REFERENCES products (id),
    threshold  INTEGER NOT NULL,
    since      TEXT NOT NULL
) WITHOUT ROWID;

CREATE TRIGGER low_stock_risen AFTER UPDATE OF stock_on_hand, reserved ON products
WHEN EXISTS (SELECT 1 FROM low_stock s
             WHERE s.product_id = NEW.id AND NEW.stock_on_hand - NEW.reserved > s.threshold)
BEGIN
    DELETE FROM low_stock WHERE product_id = NEW.id;
END;
