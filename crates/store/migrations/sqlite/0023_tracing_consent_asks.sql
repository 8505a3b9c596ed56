-- A registered child who could match a tracing request but has no consent to tracing: the
-- tracing worker learns only that such a record exists, and the child's case worker is asked
-- to seek consent. The ask stays open while the request is open and no consent is in force.
CREATE TABLE tracing_consent_asks (
    request_id  BLOB NOT NULL REFERENCES tracing_requests (id) ON DELETE CASCADE,
    person_id   BLOB NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    asked_at    TEXT NOT NULL,
    PRIMARY KEY (request_id, person_id)
);
CREATE INDEX tracing_consent_asks_person ON tracing_consent_asks (person_id);
