-- Telegram updates fetched and not yet done: written before Telegram is told they arrived, so
-- the bot can ask for the next ones at once (one slow request no longer holds everybody's back)
-- and still lose nothing in a crash: a restart processes what is left here first. A row goes in
-- the transaction that writes its update's conversation state.
CREATE TABLE inbox (
    update_id INTEGER PRIMARY KEY,
    body      TEXT NOT NULL
);
