-- Mobile team deployments: a hub's team at another place for a while. Visits and referrals made
-- there keep their hub (the hub's figures include them) and also name the deployment.

CREATE TABLE deployments (
    id          UUID PRIMARY KEY,
    hub_id      UUID NOT NULL REFERENCES hubs (id),
    country     TEXT NOT NULL,
    place       TEXT NOT NULL,
    starts_at   TIMESTAMPTZ NOT NULL,
    ends_at     TIMESTAMPTZ NOT NULL,
    note        TEXT NOT NULL,
    status      TEXT NOT NULL,
    started_at  TIMESTAMPTZ,
    ended_at    TIMESTAMPTZ,
    created_by  UUID REFERENCES users (id),
    created_at  TIMESTAMPTZ NOT NULL,
    updated_by  UUID REFERENCES users (id),
    updated_at  TIMESTAMPTZ NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX deployments_hub ON deployments (hub_id, status, starts_at);
CREATE INDEX deployments_country ON deployments (country, status, starts_at);

CREATE TABLE deployment_members (
    deployment_id UUID NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
    user_id       UUID NOT NULL REFERENCES users (id),
    PRIMARY KEY (deployment_id, user_id)
);
CREATE INDEX deployment_members_user ON deployment_members (user_id);

ALTER TABLE visits ADD COLUMN deployment_id UUID REFERENCES deployments (id);
ALTER TABLE referrals ADD COLUMN deployment_id UUID REFERENCES deployments (id);
CREATE INDEX visits_deployment ON visits (deployment_id) WHERE deployment_id IS NOT NULL;
CREATE INDEX referrals_deployment ON referrals (deployment_id) WHERE deployment_id IS NOT NULL;
