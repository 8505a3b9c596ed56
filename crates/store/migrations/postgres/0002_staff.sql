-- Staff accounts, sessions, one-time links and the tamper-evident audit log.

CREATE TABLE users (
    id              UUID PRIMARY KEY,
    username        TEXT NOT NULL CONSTRAINT users_username_key UNIQUE,
    display_name    TEXT NOT NULL,
    role            TEXT NOT NULL,
    scope           JSONB NOT NULL,
    password_hash   TEXT,
    totp_secret     TEXT,
    recovery_codes  JSONB NOT NULL,
    disabled        BOOLEAN NOT NULL,
    failed_logins   INTEGER NOT NULL,
    locked_until    TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);

CREATE TABLE sessions (
    token_hash      TEXT PRIMARY KEY,
    user_id         UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token      TEXT NOT NULL,
    second_factor   BOOLEAN NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    last_seen_at    TIMESTAMPTZ NOT NULL,
    expires_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE one_time_links (
    token_hash      TEXT PRIMARY KEY,
    user_id         UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose         TEXT NOT NULL,
    expires_at      TIMESTAMPTZ NOT NULL,
    used_at         TIMESTAMPTZ
);

-- One row: the end of the audit chain. Appenders update it first, which serialises them.
CREATE TABLE audit_head (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    seq             BIGINT NOT NULL,
    hash            TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');

CREATE TABLE audit_log (
    seq             BIGINT PRIMARY KEY,
    at              TIMESTAMPTZ NOT NULL,
    actor_id        UUID,
    action          TEXT NOT NULL,
    subject         TEXT NOT NULL,
    hub_id          UUID,
    country         TEXT,
    source          TEXT NOT NULL,
    outcome         TEXT NOT NULL,
    prev_hash       TEXT NOT NULL,
    hash            TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_actor ON audit_log (actor_id);

-- Append-only: the database itself refuses to change or remove entries.
CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
