-- Child protection cases. The case row holds the plain state (stage, risk, concerns, deadlines,
-- approvals) that queues, alerts and figures filter on; what each step says about the child is
-- in case_events.body, encrypted by the application, and wiped when the person is anonymised.
-- `version` guards against two people changing a case at once.

CREATE TABLE cases (
    id                    BLOB PRIMARY KEY NOT NULL,
    person_id             BLOB NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    hub_id                BLOB NOT NULL REFERENCES hubs (id),
    country               TEXT NOT NULL,
    case_number           TEXT NOT NULL CONSTRAINT cases_case_number UNIQUE,
    stage                 TEXT NOT NULL,
    risk                  TEXT NOT NULL,
    concerns              TEXT NOT NULL,
    uasc                  BOOLEAN NOT NULL,
    assigned_to           BLOB NOT NULL REFERENCES users (id),
    opened_by             BLOB REFERENCES users (id),
    opened_at             TEXT NOT NULL,
    assessment_due        TEXT NOT NULL,
    assessed_at           TEXT,
    next_follow_up        TEXT,
    bia                   TEXT NOT NULL,
    bid_required          BOOLEAN NOT NULL,
    bid                   TEXT NOT NULL,
    bip_recorded_by       BLOB REFERENCES users (id),
    care                  TEXT,
    caregiver_verified    BOOLEAN NOT NULL,
    birth_registration    TEXT NOT NULL,
    closure_requested     TEXT,
    closure_requested_by  BLOB REFERENCES users (id),
    closure_reason        TEXT,
    closed_at             TEXT,
    version               INTEGER NOT NULL,
    updated_at            TEXT NOT NULL
);
-- One open case per child.
CREATE UNIQUE INDEX cases_one_open_per_person ON cases (person_id) WHERE stage <> 'closed';
CREATE INDEX cases_hub ON cases (hub_id, stage);
CREATE INDEX cases_country ON cases (country, stage);
CREATE INDEX cases_assigned ON cases (assigned_to, stage);

CREATE TABLE case_events (
    id        BLOB PRIMARY KEY NOT NULL,
    case_id   BLOB NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    step      TEXT NOT NULL,
    at        TEXT NOT NULL,
    by_user   BLOB REFERENCES users (id),
    body      TEXT
);
CREATE INDEX case_events_case ON case_events (case_id, at);

CREATE TABLE case_documents (
    id            BLOB PRIMARY KEY NOT NULL,
    case_id       BLOB NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          INTEGER NOT NULL,
    sha256        TEXT NOT NULL,
    content       TEXT NOT NULL,
    uploaded_by   BLOB REFERENCES users (id),
    uploaded_at   TEXT NOT NULL
);
CREATE INDEX case_documents_case ON case_documents (case_id, uploaded_at);
