-- Staff: roles, one-time invites, sales reps' personal links, customers' reps.

CREATE TABLE user_roles (
    user_id    INTEGER NOT NULL REFERENCES users (id),
    role       TEXT NOT NULL
                   CHECK (role IN ('sales_rep', 'sales_manager', 'warehouse', 'finance', 'admin')),
    granted_by INTEGER REFERENCES users (id),
    granted_at TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
);
CREATE INDEX user_roles_role ON user_roles (role, user_id);

CREATE TABLE invites (
    token      TEXT PRIMARY KEY,
    role       TEXT NOT NULL
                   CHECK (role IN ('sales_rep', 'sales_manager', 'warehouse', 'finance', 'admin')),
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_by    INTEGER REFERENCES users (id),
    used_at    TEXT
);

-- A sales rep's personal link: customers who start the bot through it are theirs.
CREATE TABLE rep_links (
    rep_id INTEGER PRIMARY KEY REFERENCES users (id),
    code   TEXT NOT NULL UNIQUE
);

ALTER TABLE customers ADD COLUMN rep_id INTEGER REFERENCES users (id);
CREATE INDEX customers_rep ON customers (rep_id);

-- Single-row settings, such as whose turn it is in the round-robin of reps.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
