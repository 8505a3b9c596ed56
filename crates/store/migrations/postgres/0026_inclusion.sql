-- Inclusion mapping: how far refugee children are included in each country's national child
-- protection system, assessed in rounds against a versioned questionnaire. Judgements about
-- systems; no personal data.
CREATE TABLE inclusion_questionnaires (
    version     INTEGER PRIMARY KEY NOT NULL,
    questions   TEXT NOT NULL,
    created_by  UUID REFERENCES users (id),
    created_at  TIMESTAMPTZ NOT NULL
);

-- One round per country and period; answers keep the questionnaire version they were given
-- under. `revision` guards each change against one made meanwhile.
CREATE TABLE inclusion_assessments (
    id            UUID PRIMARY KEY NOT NULL,
    country       TEXT NOT NULL,
    period        TEXT NOT NULL,
    questionnaire INTEGER NOT NULL REFERENCES inclusion_questionnaires (version),
    stage         TEXT NOT NULL,
    previous_id   UUID REFERENCES inclusion_assessments (id),
    is_demo       BOOLEAN NOT NULL,
    revision      BIGINT NOT NULL,
    created_by    UUID REFERENCES users (id),
    created_at    TIMESTAMPTZ NOT NULL,
    approved_by   UUID REFERENCES users (id),
    approved_at   TIMESTAMPTZ
);
CREATE INDEX inclusion_assessments_country ON inclusion_assessments (country, created_at);

CREATE TABLE inclusion_answers (
    assessment_id UUID NOT NULL REFERENCES inclusion_assessments (id),
    question      TEXT NOT NULL,
    rating        TEXT NOT NULL,
    evidence      TEXT NOT NULL,
    sources       TEXT NOT NULL,
    barriers      TEXT NOT NULL,
    priority_groups TEXT NOT NULL,
    revision      BIGINT NOT NULL,
    updated_by    UUID REFERENCES users (id),
    updated_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (assessment_id, question)
);

-- A domain the coordinator sent back, and why; settled when the round is sent for review again.
CREATE TABLE inclusion_returns (
    id            UUID PRIMARY KEY NOT NULL,
    assessment_id UUID NOT NULL REFERENCES inclusion_assessments (id),
    domain        TEXT NOT NULL,
    reason        TEXT NOT NULL,
    returned_by   UUID REFERENCES users (id),
    returned_at   TIMESTAMPTZ NOT NULL,
    settled_at    TIMESTAMPTZ
);
CREATE INDEX inclusion_returns_assessment ON inclusion_returns (assessment_id);

CREATE TABLE inclusion_actions (
    id            UUID PRIMARY KEY NOT NULL,
    assessment_id UUID NOT NULL REFERENCES inclusion_assessments (id),
    country       TEXT NOT NULL,
    question      TEXT NOT NULL,
    barrier       TEXT NOT NULL,
    what          TEXT NOT NULL,
    owner_id      UUID NOT NULL REFERENCES users (id),
    due           DATE NOT NULL,
    status        TEXT NOT NULL,
    created_by    UUID REFERENCES users (id),
    created_at    TIMESTAMPTZ NOT NULL,
    updated_by    UUID REFERENCES users (id),
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX inclusion_actions_owner ON inclusion_actions (owner_id, status, due);
CREATE INDEX inclusion_actions_assessment ON inclusion_actions (assessment_id);
