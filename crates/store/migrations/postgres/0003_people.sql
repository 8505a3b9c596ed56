-- People registered for follow-up. Identity and notes are encrypted by the application
-- (`enc:v1:<key id>:...`); what figures are counted by (hub, sex, birth year, needs) is not.

CREATE TABLE people (
    id              UUID PRIMARY KEY,
    hub_id          UUID NOT NULL REFERENCES hubs (id),
    country         TEXT NOT NULL,
    status          TEXT NOT NULL,
    sex             TEXT NOT NULL,
    birth_year      INTEGER,
    needs           JSONB NOT NULL,
    identity        TEXT,
    registered_by   UUID REFERENCES users (id),
    registered_at   TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    closed_at       TIMESTAMPTZ,
    closure_reason  TEXT
);
CREATE INDEX people_hub ON people (hub_id, status);
CREATE INDEX people_country ON people (country, status);
CREATE INDEX people_closed ON people (status, closed_at);

CREATE TABLE person_notes (
    id              UUID PRIMARY KEY,
    person_id       UUID NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    field           TEXT NOT NULL,
    author_id       UUID REFERENCES users (id),
    written_at      TIMESTAMPTZ NOT NULL,
    body            TEXT NOT NULL
);
CREATE INDEX person_notes_person ON person_notes (person_id, written_at);

CREATE TABLE consents (
    id              UUID PRIMARY KEY,
    person_id       UUID NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    purpose         TEXT NOT NULL,
    given_by        TEXT NOT NULL,
    recorded_by     UUID REFERENCES users (id),
    recorded_at     TIMESTAMPTZ NOT NULL,
    withdrawn_at    TIMESTAMPTZ,
    withdrawn_by    UUID REFERENCES users (id)
);
CREATE INDEX consents_person ON consents (person_id);
