-- People, customers, catalog, carts, orders, the audit log and PTB's persisted state.

CREATE TABLE users (
    id          INTEGER PRIMARY KEY,
    telegram_id INTEGER NOT NULL UNIQUE,
    first_name  TEXT NOT NULL DEFAULT '',
    username    TEXT,
    language    TEXT NOT NULL CHECK (language IN ('en', 'zh', 'ru')),
    time_zone   TEXT,
    created_at  TEXT NOT NULL
);

CREATE TABLE customers (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL UNIQUE REFERENCES users (id),
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    phone       TEXT NOT NULL CHECK (length(phone) BETWEEN 7 AND 16),
    company     TEXT CHECK (company IS NULL OR length(company) BETWEEN 1 AND 120),
    discount_bp INTEGER NOT NULL DEFAULT 0 CHECK (discount_bp BETWEEN 0 AND 10000),
    credit_limit INTEGER NOT NULL DEFAULT 0 CHECK (credit_limit >= 0),
    created_at  TEXT NOT NULL
);

CREATE TABLE addresses (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    text        TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 300),
    last_used_at TEXT NOT NULL,
    UNIQUE (customer_id, text)
);

-- Payment terms a customer may choose beyond the configured defaults.
CREATE TABLE customer_payment_terms (
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    term_code   TEXT NOT NULL,
    PRIMARY KEY (customer_id, term_code)
);

CREATE TABLE categories (
    id       INTEGER PRIMARY KEY,
    key      TEXT NOT NULL UNIQUE,
    name_en  TEXT NOT NULL,
    name_zh  TEXT NOT NULL DEFAULT '',
    name_ru  TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE products (
    id             INTEGER PRIMARY KEY,
    sku            TEXT NOT NULL UNIQUE,
    category_id    INTEGER NOT NULL REFERENCES categories (id),
    name_en        TEXT NOT NULL,
    name_zh        TEXT NOT NULL DEFAULT '',
    name_ru        TEXT NOT NULL DEFAULT '',
    description_en TEXT NOT NULL DEFAULT '',
    description_zh TEXT NOT NULL DEFAULT '',
    description_ru TEXT NOT NULL DEFAULT '',
    price          INTEGER NOT NULL CHECK (price >= 0),
    stock_on_hand  INTEGER NOT NULL DEFAULT 0 CHECK (stock_on_hand >= 0),
    -- Units promised to submitted orders; never more than there are: nothing is sold twice.
    reserved       INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0 AND reserved <= stock_on_hand),
    preorder       INTEGER NOT NULL DEFAULT 0 CHECK (preorder IN (0, 1)),
    active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    photo          TEXT,
    photo_file_id  TEXT,
    updated_at     TEXT NOT NULL
);
CREATE INDEX products_category ON products (category_id, active, name_en);

CREATE TABLE price_tiers (
    product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    min_qty    INTEGER NOT NULL CHECK (min_qty >= 2),
    unit_price INTEGER NOT NULL CHECK (unit_price >= 0),
    PRIMARY KEY (product_id, min_qty)
);

CREATE TABLE cart_lines (
    user_id    INTEGER NOT NULL REFERENCES users (id),
    product_id INTEGER NOT NULL REFERENCES products (id),
    qty        INTEGER NOT NULL CHECK (qty > 0),
    added_at   TEXT NOT NULL,
    PRIMARY KEY (user_id, product_id)
);

-- Order numbers are SO-<day>-<n>: one counter per business day.
CREATE TABLE order_counters (
    day  TEXT PRIMARY KEY,
    last INTEGER NOT NULL
);

CREATE TABLE orders (
    id              INTEGER PRIMARY KEY,
    number          TEXT NOT NULL UNIQUE,
    customer_id     INTEGER NOT NULL REFERENCES customers (id),
    status          TEXT NOT NULL CHECK (status IN ('submitted', 'approved', 'rejected',
                        'partially_shipped', 'shipped', 'delivered', 'completed', 'cancelled')),
    payment_status  TEXT NOT NULL DEFAULT 'unpaid'
                        CHECK (payment_status IN ('unpaid', 'partially_paid', 'paid', 'refunded')),
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
    updated_at      TEXT NOT NULL
);
CREATE INDEX orders_customer ON orders (customer_id, submitted_at DESC);
CREATE INDEX orders_status ON orders (status, submitted_at);

CREATE TABLE order_lines (
    id           INTEGER PRIMARY KEY,
    order_id     INTEGER NOT NULL REFERENCES orders (id),
    product_id   INTEGER NOT NULL REFERENCES products (id),
    sku          TEXT NOT NULL,
    name         TEXT NOT NULL,
    qty          INTEGER NOT NULL CHECK (qty > 0),
    unit_price   INTEGER NOT NULL CHECK (unit_price >= 0),
    total        INTEGER NOT NULL CHECK (total >= 0),
    -- Units of this line held in products.reserved until shipped, rejected or cancelled.
    reserved_qty INTEGER NOT NULL CHECK (reserved_qty BETWEEN 0 AND qty)
);
CREATE INDEX order_lines_order ON order_lines (order_id);

-- Who did what and when: every order status change and every sensitive action.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor_id    INTEGER REFERENCES users (id),
    entity      TEXT NOT NULL,
    entity_id   INTEGER NOT NULL,
    action      TEXT NOT NULL,
    before      TEXT,
    after       TEXT,
    reason      TEXT
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id, id);

-- python-telegram-bot's persisted state: drafts in user_data and conversation states.
CREATE TABLE ptb_user_data (
    user_id INTEGER PRIMARY KEY,
    data    TEXT NOT NULL
);
CREATE TABLE ptb_chat_data (
    chat_id INTEGER PRIMARY KEY,
    data    TEXT NOT NULL
);
CREATE TABLE ptb_conversations (
    name  TEXT NOT NULL,
    key   TEXT NOT NULL,
    state TEXT NOT NULL,
    PRIMARY KEY (name, key)
);
