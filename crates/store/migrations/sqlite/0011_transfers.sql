-- Case transfers, both directions. `id` is the package id, the same at sender and receiver, so
-- a package delivered twice is stored once. The payload (what travels about the child) is
-- encrypted by the application; `package` holds the sealed bytes still to deliver, and
-- `answer_package` the sealed answer going back.

CREATE TABLE transfers (
    id                  BLOB PRIMARY KEY NOT NULL,
    direction           TEXT NOT NULL,
    partner             TEXT,
    case_id             BLOB REFERENCES cases (id) ON DELETE SET NULL,
    from_hub            BLOB REFERENCES hubs (id),
    to_hub              BLOB REFERENCES hubs (id),
    country             TEXT NOT NULL,
    status              TEXT NOT NULL,
    parts               TEXT NOT NULL,
    payload             TEXT NOT NULL,
    expected_arrival    TEXT,
    package             TEXT,
    attempts            INTEGER NOT NULL DEFAULT 0,
    next_attempt_at     TEXT,
    last_error          TEXT,
    answer_package      TEXT,
    answer_delivered_at TEXT,
    created_by          BLOB REFERENCES users (id),
    created_at          TEXT NOT NULL,
    decided_by          BLOB REFERENCES users (id),
    decided_at          TEXT,
    decision_note       TEXT
);
-- A case travels one way at a time.
CREATE UNIQUE INDEX transfers_one_open_per_case ON transfers (case_id)
    WHERE direction = 'out' AND status IN ('pending', 'received');
CREATE INDEX transfers_due ON transfers (status, next_attempt_at);
CREATE INDEX transfers_country ON transfers (country, direction, status);
