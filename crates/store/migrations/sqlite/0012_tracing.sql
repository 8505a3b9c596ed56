-- Family tracing: requests from relatives and the candidate children found for them. Who is
-- sought, who asks, the evidence of a match and the reunification speak about people and are
-- encrypted by the application; statuses and scores are plain for queues and figures.

CREATE TABLE tracing_requests (
    id              BLOB PRIMARY KEY NOT NULL,
    hub_id          BLOB NOT NULL REFERENCES hubs (id),
    country         TEXT NOT NULL,
    source          TEXT NOT NULL,
    status          TEXT NOT NULL,
    sought          TEXT NOT NULL,
    requester       TEXT NOT NULL,
    found_person    BLOB REFERENCES people (id) ON DELETE SET NULL,
    reunification   TEXT,
    created_by      BLOB REFERENCES users (id),
    created_at      TEXT NOT NULL,
    verified_by     BLOB REFERENCES users (id),
    verified_at     TEXT,
    updated_at      TEXT NOT NULL
);
CREATE INDEX tracing_requests_hub ON tracing_requests (hub_id, status);
CREATE INDEX tracing_requests_country ON tracing_requests (country, status);

CREATE TABLE tracing_matches (
    id          BLOB PRIMARY KEY NOT NULL,
    request_id  BLOB NOT NULL REFERENCES tracing_requests (id) ON DELETE CASCADE,
    person_id   BLOB NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    score       REAL NOT NULL,
    evidence    TEXT NOT NULL,
    status      TEXT NOT NULL,
    decided_by  BLOB REFERENCES users (id),
    decided_at  TEXT,
    CONSTRAINT tracing_matches_pair UNIQUE (request_id, person_id)
);
CREATE INDEX tracing_matches_person ON tracing_matches (person_id);
