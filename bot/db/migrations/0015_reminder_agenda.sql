-- The reminder scan's agenda: the orders it must look at again, and from when (a UTC time as
-- stored elsewhere; '' sorts first: at the next scan). A scan reads only the orders whose time
-- has come, not every open balance and shipment of the book; after looking it writes when the
-- order's next step (or a reminder held by quiet hours) comes, or drops the order when nothing
-- more can come. Whatever changes what an order's reminders would be puts it back at the front:
-- the triggers below. (Staff given a role later hear of the next step, not of steps decided.)
CREATE TABLE reminder_agenda (
    order_id INTEGER PRIMARY KEY,
    look_at  TEXT NOT NULL
);
CREATE INDEX reminder_agenda_due ON reminder_agenda (look_at);

-- Every order that may still have reminders is looked at by the first scan.
INSERT INTO reminder_agenda (order_id, look_at)
    SELECT id, '' FROM orders
    WHERE status IN ('submitted', 'approved', 'partially_shipped', 'shipped', 'delivered')
    UNION
    SELECT id, '' FROM orders
    WHERE payment_status IN ('unpaid', 'partially_paid') AND status NOT IN ('cancelled', 'rejected')
    UNION
    SELECT order_id, '' FROM shipments WHERE delivered_at IS NULL;

CREATE TRIGGER reminder_agenda_order_added AFTER INSERT ON orders BEGIN
    INSERT OR REPLACE INTO reminder_agenda (order_id, look_at) VALUES (NEW.id, '');
END;
CREATE TRIGGER reminder_agenda_order_changed
AFTER UPDATE OF status, payment_status, promised_date, order_type, customer_id, submitted_at
ON orders BEGIN
    INSERT OR REPLACE INTO reminder_agenda (order_id, look_at) VALUES (NEW.id, '');
END;
CREATE TRIGGER reminder_agenda_due_added AFTER INSERT ON due_dates BEGIN
    INSERT OR REPLACE INTO reminder_agenda (order_id, look_at) VALUES (NEW.order_id, '');
END;
CREATE TRIGGER reminder_agenda_due_changed AFTER UPDATE ON due_dates BEGIN
    INSERT OR REPLACE INTO reminder_agenda (order_id, look_at) VALUES (NEW.order_id, '');
END;
CREATE TRIGGER reminder_agenda_due_removed AFTER DELETE ON due_dates BEGIN
    INSERT OR REPLACE INTO reminder_agenda (order_id, look_at) VALUES (OLD.order_id, '');
END;
CREATE TRIGGER reminder_agenda_paid AFTER INSERT ON payments BEGIN
    INSERT OR REPLACE INTO reminder_agenda (order_id, look_at) VALUES (NEW.order_id, '');
END;
CREATE TRIGGER reminder_agenda_payment_changed AFTER UPDATE OF order_id, amount ON payments BEGIN
    INSERT OR REPLACE INTO reminder_agenda (order_id, look_at) VALUES (NEW.order_id, '');
END;
CREATE TRIGGER reminder_agenda_payment_removed AFTER DELETE ON payments BEGIN
    INSERT OR REPLACE INTO reminder_agenda (order_id, look_at) VALUES (OLD.order_id, '');
END;
CREATE TRIGGER reminder_agenda_review_added AFTER INSERT ON order_reviews BEGIN
    INSERT OR REPLACE INTO reminder_agenda (order_id, look_at) VALUES (NEW.order_id, '');
END;
CREATE TRIGGER reminder_agenda_review_changed AFTER UPDATE ON order_reviews BEGIN
    INSERT OR REPLACE INTO reminder_agenda (order_id, look_at) VALUES (NEW.order_id, '');
END;
CREATE TRIGGER reminder_agenda_shipment_added AFTER INSERT ON shipments BEGIN
    INSERT OR REPLACE INTO reminder_agenda (order_id, look_at) VALUES (NEW.order_id, '');
END;
CREATE TRIGGER reminder_agenda_shipment_changed AFTER UPDATE ON shipments BEGIN
    INSERT OR REPLACE INTO reminder_agenda (order_id, look_at) VALUES (NEW.order_id, '');
END;
-- A reminder taken out of the log (not sent yet: paused, unreachable, Telegram asked to wait)
-- is decided again at the next scan.
CREATE TRIGGER reminder_agenda_unlogged AFTER DELETE ON reminders WHEN OLD.order_id > 0 BEGIN
    INSERT OR REPLACE INTO reminder_agenda (order_id, look_at) VALUES (OLD.order_id, '');
END;
-- A customer's rep, pause, reachability or time zone changes whom and when their orders'
-- reminders go to.
CREATE TRIGGER reminder_agenda_customer_changed
AFTER UPDATE OF rep_id, reminders_paused_at ON customers BEGIN
    INSERT OR REPLACE INTO reminder_agenda (order_id, look_at)
        SELECT id, '' FROM orders
        WHERE customer_id = NEW.id AND status NOT IN ('completed', 'cancelled', 'rejected');
END;
CREATE TRIGGER reminder_agenda_person_changed AFTER UPDATE OF unreachable_at, time_zone ON users
BEGIN
    INSERT OR REPLACE INTO reminder_agenda (order_id, look_at)
        SELECT o.id, '' FROM customers c JOIN orders o ON o.customer_id = c.id
        WHERE c.user_id = NEW.id AND o.status NOT IN ('completed', 'cancelled', 'rejected');
END;

-- Open balances read their orders' numbers, due dates and payments from indexes alone
-- (/receivables, the reminder scan, the digest), not from rows scattered over the whole book.
DROP INDEX orders_open_balance;
CREATE INDEX orders_open_balance ON orders (customer_id, number)
    WHERE payment_status IN ('unpaid', 'partially_paid')
    AND status NOT IN ('cancelled', 'rejected');
CREATE INDEX due_dates_order_cover ON due_dates (order_id, seq, due_on, amount);
CREATE INDEX payments_order_cover ON payments (order_id, amount);
