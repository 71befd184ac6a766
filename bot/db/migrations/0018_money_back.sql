-- rebuilds: orders
-- Money going back and invoices that follow the order.
-- * An order's payment may be partly or wholly refunded (payment_status), and an order is
--   released to the warehouse at a moment (released_at): at approval, or for a prepaid order
--   once it is paid in full. Orders approved before this count as released when decided.
-- * refunds: money paid back to the customer (never more than the refund due).
-- * credit_notes: a change of an invoiced total after the invoice, numbered like invoices:
--   amount > 0 takes money off (a credit note, CN-…), amount < 0 adds it (a debit note, DN-…).
--   The invoice's amount less its notes is what the order charges; its due dates follow.
-- * What is still owed of a due date counts payments less refunds.
CREATE TABLE orders_new (
    id              INTEGER PRIMARY KEY,
    number          TEXT NOT NULL UNIQUE,
    customer_id     INTEGER NOT NULL REFERENCES customers (id),
    status          TEXT NOT NULL CHECK (status IN ('submitted', 'approved', 'rejected',
                        'partially_shipped', 'shipped', 'delivered', 'completed', 'cancelled')),
    payment_status  TEXT NOT NULL DEFAULT 'unpaid'
                        CHECK (payment_status IN ('unpaid', 'partially_paid', 'paid',
                                                  'partially_refunded', 'refunded')),
    order_type      TEXT NOT NULL CHECK (order_type IN ('standard', 'preorder', 'bulk', 'custom')),
    delivery_method TEXT NOT NULL,
    address         TEXT,
    desired_date    TEXT,
    payment_term    TEXT NOT NULL,
    note            TEXT,
    subtotal        INTEGER NOT NULL CHECK (subtotal >= 0),
    discount        INTEGER NOT NULL CHECK (discount >= 0),
    delivery_fee    INTEGER NOT NULL CHECK (delivery_fee >= 0),
    tax             INTEGER NOT NULL CHECK (tax >= 0),
    tax_included    INTEGER NOT NULL CHECK (tax_included IN (0, 1)),
    total           INTEGER NOT NULL CHECK (total >= 0),
    currency        TEXT NOT NULL,
    -- The checkout's one-time token: a second Confirm finds the order instead of making another.
    submit_token    TEXT NOT NULL UNIQUE,
    submitted_at    TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    -- What was paid beyond what the order charges and is not yet paid back (kept by
    -- bot.services.money.settle from bot.domain.payments.ledger).
    refund_due      INTEGER NOT NULL DEFAULT 0 CHECK (refund_due >= 0),
    promised_date   TEXT,
    batch_id        INTEGER REFERENCES batches (id),
    released_at     TEXT
);
INSERT INTO orders_new
    SELECT *, CASE WHEN status IN ('submitted', 'rejected') THEN NULL
        ELSE COALESCE((SELECT r.decided_at FROM order_reviews r WHERE r.order_id = orders.id),
                      submitted_at) END
    FROM orders;
DROP TABLE orders;
ALTER TABLE orders_new RENAME TO orders;

CREATE TABLE refunds (
    id          INTEGER PRIMARY KEY,
    order_id    INTEGER NOT NULL REFERENCES orders (id),
    amount      INTEGER NOT NULL CHECK (amount > 0),
    method      TEXT NOT NULL CHECK (method IN ('bank_transfer', 'cash', 'card', 'other')),
    paid_on     TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by INTEGER REFERENCES users (id),
    -- the confirmation that recorded it: pressed twice, it is recorded once
    token       TEXT UNIQUE
);
CREATE INDEX refunds_order ON refunds (order_id, amount);

CREATE TABLE credit_notes (
    id        INTEGER PRIMARY KEY,
    order_id  INTEGER NOT NULL REFERENCES orders (id),
    number    TEXT NOT NULL UNIQUE,
    amount    INTEGER NOT NULL CHECK (amount != 0),
    reason    TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    issued_by INTEGER REFERENCES users (id)
);
CREATE INDEX credit_notes_order ON credit_notes (order_id);

CREATE TABLE credit_note_counters (
    day  TEXT PRIMARY KEY,
    last INTEGER NOT NULL
);

DROP VIEW dues_outstanding;
CREATE VIEW dues_outstanding AS
SELECT d.order_id, d.seq, o.number, o.customer_id, d.due_on,
       MIN(d.amount, MAX(0,
           (SELECT SUM(e.amount) FROM due_dates e
            WHERE e.order_id = d.order_id
            AND (e.due_on, e.amount, e.seq) <= (d.due_on, d.amount, d.seq))
           - (SELECT COALESCE(SUM(p.amount), 0) FROM payments p WHERE p.order_id = d.order_id)
           + (SELECT COALESCE(SUM(r.amount), 0) FROM refunds r WHERE r.order_id = d.order_id)
       )) AS owed
FROM due_dates d JOIN orders o ON o.id = d.order_id
WHERE o.payment_status IN ('unpaid', 'partially_paid') AND o.status NOT IN ('cancelled', 'rejected');

CREATE TRIGGER open_dues_refunded AFTER INSERT ON refunds BEGIN
    DELETE FROM open_dues WHERE order_id = NEW.order_id;
    INSERT INTO open_dues (order_id, seq, number, customer_id, due_on, owed)
        SELECT order_id, seq, number, customer_id, due_on, owed FROM dues_outstanding
        WHERE order_id = NEW.order_id AND owed > 0;
END;
CREATE TRIGGER reminder_agenda_refunded AFTER INSERT ON refunds BEGIN
    INSERT OR REPLACE INTO reminder_agenda (order_id, look_at) VALUES (NEW.order_id, '');
END;
-- a prepaid order released to the warehouse starts its shipping promise
CREATE TRIGGER reminder_agenda_released AFTER UPDATE OF released_at ON orders BEGIN
    INSERT OR REPLACE INTO reminder_agenda (order_id, look_at) VALUES (NEW.id, '');
END;
