-- What is still owed of each due date of each open order, kept up to date by triggers, so that
-- /receivables and the digest sum and rank a small table instead of joining every open order to
-- its due dates and payments (and allocating the payments in Python) at each call.

-- Computed from the book: payments pay the oldest due date first (bot.domain.payments.outstanding:
-- by day, then amount), so a due date is owed what its running total exceeds the paid sum by,
-- at most its amount.
CREATE VIEW dues_outstanding AS
SELECT d.order_id, d.seq, o.number, o.customer_id, d.due_on,
       MIN(d.amount, MAX(0,
           (SELECT SUM(e.amount) FROM due_dates e
            WHERE e.order_id = d.order_id
            AND (e.due_on, e.amount, e.seq) <= (d.due_on, d.amount, d.seq))
           - (SELECT COALESCE(SUM(p.amount), 0) FROM payments p WHERE p.order_id = d.order_id)
       )) AS owed
FROM due_dates d JOIN orders o ON o.id = d.order_id
WHERE o.payment_status IN ('unpaid', 'partially_paid') AND o.status NOT IN ('cancelled', 'rejected');

-- Its rows with something owed; an order's rows are written again whenever anything they depend
-- on changes (the triggers below).
CREATE TABLE open_dues (
    order_id    INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    number      TEXT NOT NULL,
    customer_id INTEGER NOT NULL,
    due_on      TEXT NOT NULL,
    owed        INTEGER NOT NULL CHECK (owed > 0),
    PRIMARY KEY (order_id, seq)
) WITHOUT ROWID;
CREATE INDEX open_dues_by_day ON open_dues (due_on, owed);
CREATE INDEX open_dues_by_customer ON open_dues (customer_id, due_on, order_id, owed);

INSERT INTO open_dues (order_id, seq, number, customer_id, due_on, owed)
    SELECT order_id, seq, number, customer_id, due_on, owed FROM dues_outstanding WHERE owed > 0;

CREATE TRIGGER open_dues_due_added AFTER INSERT ON due_dates BEGIN
    DELETE FROM open_dues WHERE order_id = NEW.order_id;
    INSERT INTO open_dues (order_id, seq, number, customer_id, due_on, owed)
        SELECT order_id, seq, number, customer_id, due_on, owed FROM dues_outstanding
        WHERE order_id = NEW.order_id AND owed > 0;
END;
CREATE TRIGGER open_dues_due_changed AFTER UPDATE ON due_dates BEGIN
    DELETE FROM open_dues WHERE order_id IN (OLD.order_id, NEW.order_id);
    INSERT INTO open_dues (order_id, seq, number, customer_id, due_on, owed)
        SELECT order_id, seq, number, customer_id, due_on, owed FROM dues_outstanding
        WHERE order_id IN (OLD.order_id, NEW.order_id) AND owed > 0;
END;
CREATE TRIGGER open_dues_due_removed AFTER DELETE ON due_dates BEGIN
    DELETE FROM open_dues WHERE order_id = OLD.order_id;
    INSERT INTO open_dues (order_id, seq, number, customer_id, due_on, owed)
        SELECT order_id, seq, number, customer_id, due_on, owed FROM dues_outstanding
        WHERE order_id = OLD.order_id AND owed > 0;
END;
CREATE TRIGGER open_dues_paid AFTER INSERT ON payments BEGIN
    DELETE FROM open_dues WHERE order_id = NEW.order_id;
    INSERT INTO open_dues (order_id, seq, number, customer_id, due_on, owed)
        SELECT order_id, seq, number, customer_id, due_on, owed FROM dues_outstanding
        WHERE order_id = NEW.order_id AND owed > 0;
END;
CREATE TRIGGER open_dues_payment_changed AFTER UPDATE OF order_id, amount ON payments BEGIN
    DELETE FROM open_dues WHERE order_id IN (OLD.order_id, NEW.order_id);
    INSERT INTO open_dues (order_id, seq, number, customer_id, due_on, owed)
        SELECT order_id, seq, number, customer_id, due_on, owed FROM dues_outstanding
        WHERE order_id IN (OLD.order_id, NEW.order_id) AND owed > 0;
END;
CREATE TRIGGER open_dues_payment_removed AFTER DELETE ON payments BEGIN
    DELETE FROM open_dues WHERE order_id = OLD.order_id;
    INSERT INTO open_dues (order_id, seq, number, customer_id, due_on, owed)
        SELECT order_id, seq, number, customer_id, due_on, owed FROM dues_outstanding
        WHERE order_id = OLD.order_id AND owed > 0;
END;
CREATE TRIGGER open_dues_order_changed
AFTER UPDATE OF status, payment_status, customer_id, number ON orders BEGIN
    DELETE FROM open_dues WHERE order_id = NEW.id;
    INSERT INTO open_dues (order_id, seq, number, customer_id, due_on, owed)
        SELECT order_id, seq, number, customer_id, due_on, owed FROM dues_outstanding
        WHERE order_id = NEW.id AND owed > 0;
END;
CREATE TRIGGER open_dues_order_removed AFTER DELETE ON orders BEGIN
    DELETE FROM open_dues WHERE order_id = OLD.id;
END;
