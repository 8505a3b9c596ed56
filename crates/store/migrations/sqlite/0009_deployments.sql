-- Mobile team deployments: a hub's team at another place for a while. Visits and referrals made
-- there keep their hub (the hub's figures include them) and also name the deployment.

CREATE TABLE deployments (
    id          BLOB PRIMARY KEY NOT NULL,
    hub_id      BLOB NOT NULL REFERENCES hubs (id),
    country     TEXT NOT NULL,
    place       TEXT NOT NULL,
    starts_at   TEXT NOT NULL,
    ends_at     TEXT NOT NULL,
    note        TEXT NOT NULL,
    status      TEXT NOT NULL,
    started_at  TEXT,
    ended_at    TEXT,
    created_by  BLOB REFERENCES users (id),
    created_at  TEXT NOT NULL,
    updated_by  BLOB REFERENCES users (id),
    updated_at  TEXT NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX deployments_hub ON deployments (hub_id, status, starts_at);
CREATE INDEX deployments_country ON deployments (country, status, starts_at);

CREATE TABLE deployment_members (
    deployment_id BLOB NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
    user_id       BLOB NOT NULL REFERENCES users (id),
    PRIMARY KEY (deployment_id, user_id)
);
CREATE INDEX deployment_members_user ON deployment_members (user_id);

ALTER TABLE visits ADD COLUMN deployment_id BLOB REFERENCES deployments (id);
ALTER TABLE referrals ADD COLUMN deployment_id BLOB REFERENCES deployments (id);
CREATE INDEX visits_deployment ON visits (deployment_id) WHERE deployment_id IS NOT NULL;
CREATE INDEX referrals_deployment ON referrals (deployment_id) WHERE deployment_id IS NOT NULL;
