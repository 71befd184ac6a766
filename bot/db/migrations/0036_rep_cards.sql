-- An order's cards are also the copy its rep is sent for information (customer_ordered):
-- they too are edited when the order is decided or changed (bot/db/outbox.py, cards).
DROP INDEX outbox_cards;
CREATE INDEX outbox_cards ON outbox (json_extract(data, '$.order_id'))
    WHERE kind IN ('new_order', 'customer_ordered');
