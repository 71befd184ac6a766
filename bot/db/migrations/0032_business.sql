-- Telegram Business: a seller connects OrderDesk to their own Telegram account (Settings →
-- Business → Chatbots) and it answers their customers' quick orders, order status and invoice
-- questions in those chats. One row per connection Telegram told us of (its string id is
-- Telegram's; `id` is ours, short enough for button data). `telegram_enabled` and `can_reply`
-- are what Telegram says; `enabled` is the seller's master switch, recorded off (with
-- `refused`) when the connecting person is not an OrderDesk admin or sales manager.
CREATE TABLE business_connections (
    id INTEGER PRIMARY KEY,
    connection_id TEXT NOT NULL UNIQUE,
    telegram_user_id INTEGER NOT NULL,
    user_chat_id INTEGER NOT NULL,
    user_id INTEGER REFERENCES users(id),
    telegram_enabled INTEGER NOT NULL CHECK (telegram_enabled IN (0, 1)),
    can_reply INTEGER NOT NULL CHECK (can_reply IN (0, 1)),
    enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    refused TEXT CHECK (refused IS NULL OR refused IN ('not_staff')),
    connected_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE INDEX business_connections_owner ON business_connections (telegram_user_id);

-- The customer chats of a connection the bot answered in or the seller switched off; `off_at`
-- and `off_by` (an OrderDesk user) say who switched the chat off and when (NULL: it is on).
CREATE TABLE business_chats (
    id INTEGER PRIMARY KEY,
    connection INTEGER NOT NULL REFERENCES business_connections(id) ON DELETE CASCADE,
    chat_id INTEGER NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    first_seen_at TEXT NOT NULL,
    off_at TEXT,
    off_by INTEGER REFERENCES users(id),
    CHECK ((off_at IS NULL) = (off_by IS NULL)),
    UNIQUE (connection, chat_id)
);
