-- Orders created together from one uploaded file (/batch): who sent which file, and when. Each
-- order remembers its batch; the token makes a second press of "Create" find the batch made.

CREATE TABLE batches (
    id         INTEGER PRIMARY KEY,
    token      TEXT NOT NULL UNIQUE,
    created_by INTEGER NOT NULL REFERENCES users (id),
    file_name  TEXT NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
    orders     INTEGER NOT NULL CHECK (orders >= 1),
    created_at TEXT NOT NULL
);

ALTER TABLE orders ADD COLUMN batch_id INTEGER REFERENCES batches (id);
CREATE INDEX orders_batch ON orders (batch_id) WHERE batch_id IS NOT NULL;
