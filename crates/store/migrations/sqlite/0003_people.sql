-- People registered for follow-up. Identity and notes are encrypted by the application
-- (`enc:v1:<key id>:...`); what figures are counted by (hub, sex, birth year, needs) is not.

CREATE TABLE people (
    id              BLOB PRIMARY KEY NOT NULL,
    hub_id          BLOB NOT NULL REFERENCES hubs (id),
    country         TEXT NOT NULL,
    status          TEXT NOT NULL,
    sex             TEXT NOT NULL,
    birth_year      INTEGER,
    needs           TEXT NOT NULL,
    identity        TEXT,
    registered_by   BLOB REFERENCES users (id),
    registered_at   TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    closed_at       TEXT,
    closure_reason  TEXT
);
CREATE INDEX people_hub ON people (hub_id, status);
CREATE INDEX people_country ON people (country, status);
CREATE INDEX people_closed ON people (status, closed_at);

CREATE TABLE person_notes (
    id              BLOB PRIMARY KEY NOT NULL,
    person_id       BLOB NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    field           TEXT NOT NULL,
    author_id       BLOB REFERENCES users (id),
    written_at      TEXT NOT NULL,
    body            TEXT NOT NULL
);
CREATE INDEX person_notes_person ON person_notes (person_id, written_at);

CREATE TABLE consents (
    id              BLOB PRIMARY KEY NOT NULL,
    person_id       BLOB NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    purpose         TEXT NOT NULL,
    given_by        TEXT NOT NULL,
    recorded_by     BLOB REFERENCES users (id),
    recorded_at     TEXT NOT NULL,
    withdrawn_at    TEXT,
    withdrawn_by    BLOB REFERENCES users (id)
);
CREATE INDEX consents_person ON consents (person_id);
