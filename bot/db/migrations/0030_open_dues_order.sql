-- Payments pay the oldest due date first and, of due dates on the same day, the first instalment
-- (seq) first: the one rule of bot.domain.payments.oldest_first / remaining. Migrations 0016 and
-- 0018 broke such ties by amount first, so open_dues could hold a day's owed sum on another
-- instalment than the Python rule. The view is the same but for that order; the triggers of
-- 0016 and 0018 read it by name, and open_dues is written again from it.
DROP VIEW dues_outstanding;
CREATE VIEW dues_outstanding AS
SELECT d.order_id, d.seq, o.number, o.customer_id, d.due_on,
       MIN(d.amount, MAX(0,
           (SELECT SUM(e.amount) FROM due_dates e
            WHERE e.order_id = d.order_id
            AND (e.due_on, e.seq) <= (d.due_on, d.seq))
           - (SELECT COALESCE(SUM(p.amount), 0) FROM payments p WHERE p.order_id = d.order_id)
           + (SELECT COALESCE(SUM(r.amount), 0) FROM refunds r WHERE r.order_id = d.order_id)
       )) AS owed
FROM due_dates d JOIN orders o ON o.id = d.order_id
WHERE o.payment_status IN ('unpaid', 'partially_paid') AND o.status NOT IN ('cancelled', 'rejected');

DELETE FROM open_dues;
INSERT INTO open_dues (order_id, seq, number, customer_id, due_on, owed)
    SELECT order_id, seq, number, customer_id, due_on, owed FROM dues_outstanding WHERE owed > 0;
