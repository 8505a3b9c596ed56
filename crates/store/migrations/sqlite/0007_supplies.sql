-- Each hub's stock of what it hands out, and every movement of it. The quantity can never go
-- below zero: updates subtract only where enough is left, and the CHECK refuses anything else.

CREATE TABLE stock (
    hub_id          BLOB NOT NULL REFERENCES hubs (id),
    item            TEXT NOT NULL,
    quantity        INTEGER NOT NULL CHECK (quantity >= 0),
    low_at          INTEGER NOT NULL CHECK (low_at >= 0),
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (hub_id, item)
);

CREATE TABLE stock_movements (
    id              BLOB PRIMARY KEY NOT NULL,
    hub_id          BLOB NOT NULL REFERENCES hubs (id),
    item            TEXT NOT NULL,
    kind            TEXT NOT NULL,
    change          INTEGER NOT NULL,
    visit_id        BLOB REFERENCES visits (id),
    other_hub_id    BLOB REFERENCES hubs (id),
    note            TEXT NOT NULL,
    recorded_by     BLOB REFERENCES users (id),
    recorded_at     TEXT NOT NULL
);
CREATE INDEX stock_movements_hub ON stock_movements (hub_id, recorded_at);
CREATE INDEX stock_movements_visit ON stock_movements (visit_id);
