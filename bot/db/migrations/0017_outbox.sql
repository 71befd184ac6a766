-- The outbox: every notice an action causes for other people, written in the same transaction
-- as the action, then delivered by one sender (bot/handlers/outbox.py). A notice is addressed
-- (a person's private chat, or a role's group and topic) and carries the data it is rendered
-- from (JSON) in its reader's language when it is sent. pending → sending → sent; back to
-- pending (next_at later) when Telegram is unreachable or asks to wait; failed when it cannot
-- arrive (blocked, chat gone, too old); dropped when it no longer applies (a reminder paid).
-- A restart sends again what was 'sending': a notice may arrive twice after a crash, never zero
-- times. Each chat's notices go in the order they were written.
CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    chat_id    INTEGER NOT NULL,
    topic_id   INTEGER NOT NULL DEFAULT 0,
    -- the person written to; NULL for a group chat (written in the business's language)
    user_id    INTEGER REFERENCES users (id),
    data       TEXT NOT NULL,
    state      TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'dropped')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    next_at    TEXT NOT NULL,
    sent_at    TEXT,
    error      TEXT
);
CREATE INDEX outbox_open ON outbox (chat_id, topic_id, id) WHERE state IN ('pending', 'sending');
CREATE INDEX outbox_due ON outbox (next_at) WHERE state = 'pending';

-- Reminders in flight go out through the outbox from now on.
INSERT INTO outbox (kind, chat_id, topic_id, user_id, data, created_at, next_at)
    SELECT 'reminder', chat_id, topic_id, user_id, json_object('reminder_id', id),
           decided_at, decided_at
    FROM reminders WHERE status = 'queued' ORDER BY id;
