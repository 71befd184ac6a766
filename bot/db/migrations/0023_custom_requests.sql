-- Custom orders (定制订单): what a customer describes, the rep's quote, and the questions and
-- answers between them. An accepted quote becomes an order of type custom whose one line is
-- the non-catalog product CUSTOM (inactive: never browsed; pre-order: no stock is reserved)
-- at the quoted unit price, named with the request's text. That product (and its category
-- 'custom') is made by the first accepted quote (bot/db/custom_requests.py), not here, so
-- that a catalog loaded afterwards keeps its own ids from 1.

CREATE TABLE custom_requests (
    id          INTEGER PRIMARY KEY,
    token       TEXT NOT NULL UNIQUE,  -- the draft's: a second Send makes nothing more
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    text        TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 1000),
    qty         INTEGER NOT NULL CHECK (qty >= 1),
    wanted_date TEXT,
    photos      TEXT NOT NULL DEFAULT '[]',  -- JSON list of Telegram file ids, at most 5
    state       TEXT NOT NULL DEFAULT 'open'
                CHECK (state IN ('open', 'quoted', 'accepted', 'declined', 'withdrawn')),
    unit_price  INTEGER CHECK (unit_price IS NULL OR unit_price > 0),
    lead_days   INTEGER CHECK (lead_days IS NULL OR lead_days BETWEEN 1 AND 365),
    valid_until TEXT,
    rep_note    TEXT,
    quoted_by   INTEGER REFERENCES users (id),
    quoted_at   TEXT,
    order_id    INTEGER REFERENCES orders (id),
    decided_at  TEXT,
    created_at  TEXT NOT NULL,
    CHECK (state = 'open' OR state = 'withdrawn' OR unit_price IS NOT NULL)
);
CREATE INDEX custom_requests_customer ON custom_requests (customer_id, created_at);

CREATE TABLE custom_messages (
    id         INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES custom_requests (id),
    author_id  INTEGER NOT NULL REFERENCES users (id),
    kind       TEXT NOT NULL CHECK (kind IN ('question', 'answer')),
    text       TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 1000),
    at         TEXT NOT NULL
);
CREATE INDEX custom_messages_request ON custom_messages (request_id, id);
