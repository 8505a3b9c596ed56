-- What an indicator should reach at a place over a period: the whole network (no country,
-- no hub), a country, or a hub.
CREATE TABLE targets (
    id          BLOB PRIMARY KEY NOT NULL,
    indicator   TEXT NOT NULL,
    country     TEXT,
    hub_id      BLOB REFERENCES hubs (id),
    starts      TEXT NOT NULL,
    ends        TEXT NOT NULL,
    value       BIGINT NOT NULL,
    label       TEXT NOT NULL,
    created_by  BLOB REFERENCES users (id),
    created_at  TEXT NOT NULL,
    CHECK (starts <= ends AND value > 0),
    CHECK (hub_id IS NULL OR country IS NOT NULL)
);
CREATE INDEX targets_place ON targets (country, hub_id);
