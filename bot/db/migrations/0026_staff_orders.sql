-- What the outbox sent: the id of the message a notice became, so a later notice can edit it
-- (an approval card that must say the order was decided, and by whom, instead of waiting).
ALTER TABLE outbox ADD COLUMN message_id INTEGER;
-- The approval cards of one order (new_order notices carry {"order_id": N}).
CREATE INDEX outbox_cards ON outbox (json_extract(data, '$.order_id')) WHERE kind = 'new_order';
-- Staff's /orders: every order, newest first, a page at a time (without a sort of them all).
CREATE INDEX orders_submitted ON orders (submitted_at, id);
