-- Referrals of a person to a specialist in the hub (to_role) or to an external provider
-- (to_provider). The reason and the receiver's feedback speak about the person and are
-- encrypted by the application; who, where, what service, how urgent and the status are plain
-- so that queues, overdue flags and figures need no decryption.

CREATE TABLE referrals (
    id              BLOB PRIMARY KEY NOT NULL,
    person_id       BLOB NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    hub_id          BLOB NOT NULL REFERENCES hubs (id),
    country         TEXT NOT NULL,
    service         TEXT NOT NULL,
    to_role         TEXT,
    to_provider     BLOB REFERENCES providers (id),
    urgency         TEXT NOT NULL,
    status          TEXT NOT NULL,
    shared          TEXT NOT NULL,
    reason          TEXT NOT NULL,
    feedback        TEXT,
    created_by      BLOB REFERENCES users (id),
    created_at      TEXT NOT NULL,
    due_at          TEXT NOT NULL,
    updated_by      BLOB REFERENCES users (id),
    updated_at      TEXT NOT NULL,
    CHECK ((to_role IS NULL) <> (to_provider IS NULL))
);
CREATE INDEX referrals_person ON referrals (person_id);
CREATE INDEX referrals_queue ON referrals (hub_id, to_role, status);
CREATE INDEX referrals_country ON referrals (country, status, due_at);
