-- A sales rep's own discount limit (basis points), set by an administrator in /staff. Without a
-- row the rep's limit is the configuration's review.rep_discount_limit_percent.
CREATE TABLE rep_limits (
    rep_id      INTEGER PRIMARY KEY REFERENCES users (id),
    discount_bp INTEGER NOT NULL CHECK (discount_bp BETWEEN 0 AND 10000),
    set_by      INTEGER REFERENCES users (id),
    set_at      TEXT NOT NULL
);
