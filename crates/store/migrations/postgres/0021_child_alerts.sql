-- A child the information desk (or anyone at a hub) flags for a social worker: what was seen,
-- where the child is now, how urgent. The desk writes it and sees no records; social workers
-- of the hub see it on their home page at once and take it.
CREATE TABLE child_alerts (
    id          UUID PRIMARY KEY,
    hub_id      UUID NOT NULL REFERENCES hubs (id),
    country     TEXT NOT NULL,
    concern     TEXT NOT NULL,
    urgency     TEXT NOT NULL,
    seen        TEXT NOT NULL,
    where_now   TEXT NOT NULL,
    raised_by   UUID REFERENCES users (id),
    raised_at   TIMESTAMPTZ NOT NULL,
    taken_by    UUID REFERENCES users (id),
    taken_at    TIMESTAMPTZ
);
CREATE INDEX child_alerts_open ON child_alerts (hub_id, taken_at, raised_at);
