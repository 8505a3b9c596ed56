-- Staff accounts, sessions, one-time links and the tamper-evident audit log.

CREATE TABLE users (
    id              BLOB PRIMARY KEY NOT NULL,
    username        TEXT NOT NULL CONSTRAINT users_username_key UNIQUE,
    display_name    TEXT NOT NULL,
    role            TEXT NOT NULL,
    scope           TEXT NOT NULL,
    password_hash   TEXT,
    totp_secret     TEXT,
    recovery_codes  TEXT NOT NULL,
    disabled        BOOLEAN NOT NULL,
    failed_logins   INTEGER NOT NULL,
    locked_until    TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash      TEXT PRIMARY KEY NOT NULL,
    user_id         BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token      TEXT NOT NULL,
    second_factor   BOOLEAN NOT NULL,
    created_at      TEXT NOT NULL,
    last_seen_at    TEXT NOT NULL,
    expires_at      TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE one_time_links (
    token_hash      TEXT PRIMARY KEY NOT NULL,
    user_id         BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose         TEXT NOT NULL,
    expires_at      TEXT NOT NULL,
    used_at         TEXT
);

-- One row: the end of the audit chain. Appenders update it first, which serialises them.
CREATE TABLE audit_head (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    seq             INTEGER NOT NULL,
    hash            TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');

CREATE TABLE audit_log (
    seq             INTEGER PRIMARY KEY NOT NULL,
    at              TEXT NOT NULL,
    actor_id        BLOB,
    action          TEXT NOT NULL,
    subject         TEXT NOT NULL,
    hub_id          BLOB,
    country         TEXT,
    source          TEXT NOT NULL,
    outcome         TEXT NOT NULL,
    prev_hash       TEXT NOT NULL,
    hash            TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_actor ON audit_log (actor_id);

-- Append-only: the database itself refuses to change or remove entries.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
