-- Shipments: which lines left the warehouse, how, and when they arrived.

ALTER TABLE order_lines ADD COLUMN shipped_qty INTEGER NOT NULL DEFAULT 0 CHECK (shipped_qty >= 0);

CREATE TABLE shipments (
    id            INTEGER PRIMARY KEY,
    order_id      INTEGER NOT NULL REFERENCES orders (id),
    carrier       TEXT NOT NULL CHECK (length(carrier) BETWEEN 1 AND 60),
    tracking      TEXT CHECK (tracking IS NULL OR length(tracking) BETWEEN 3 AND 40),
    expected_date TEXT,
    shipped_at    TEXT NOT NULL,
    shipped_by    INTEGER REFERENCES users (id),
    delivered_at  TEXT,
    delivered_by  INTEGER REFERENCES users (id)
);
CREATE INDEX shipments_order ON shipments (order_id);

CREATE TABLE shipment_lines (
    shipment_id   INTEGER NOT NULL REFERENCES shipments (id),
    order_line_id INTEGER NOT NULL REFERENCES order_lines (id),
    qty           INTEGER NOT NULL CHECK (qty > 0),
    PRIMARY KEY (shipment_id, order_line_id)
);
