-- A child the information desk (or anyone at a hub) flags for a social worker: what was seen,
-- where the child is now, how urgent. The desk writes it and sees no records; social workers
-- of the hub see it on their home page at once and take it.
CREATE TABLE child_alerts (
    id          BLOB PRIMARY KEY NOT NULL,
    hub_id      BLOB NOT NULL REFERENCES hubs (id),
    country     TEXT NOT NULL,
    concern     TEXT NOT NULL,
    urgency     TEXT NOT NULL,
    seen        TEXT NOT NULL,
    where_now   TEXT NOT NULL,
    raised_by   BLOB REFERENCES users (id),
    raised_at   TEXT NOT NULL,
    taken_by    BLOB REFERENCES users (id),
    taken_at    TEXT
);
CREATE INDEX child_alerts_open ON child_alerts (hub_id, taken_at, raised_at);
