-- The audit chain is keyed: each entry's hash is an HMAC under the audit key named here, a
-- secret kept outside the database. Entries written before keys existed keep '' (plain SHA-256).
ALTER TABLE audit_log ADD COLUMN key_id TEXT NOT NULL DEFAULT '';
