-- Each hub's stock of what it hands out, and every movement of it. The quantity can never go
-- below zero: updates subtract only where enough is left, and the CHECK refuses anything else.

CREATE TABLE stock (
    hub_id          UUID NOT NULL REFERENCES hubs (id),
    item            TEXT NOT NULL,
    quantity        INTEGER NOT NULL CHECK (quantity >= 0),
    low_at          INTEGER NOT NULL CHECK (low_at >= 0),
    updated_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (hub_id, item)
);

CREATE TABLE stock_movements (
    id              UUID PRIMARY KEY,
    hub_id          UUID NOT NULL REFERENCES hubs (id),
    item            TEXT NOT NULL,
    kind            TEXT NOT NULL,
    change          INTEGER NOT NULL,
    visit_id        UUID REFERENCES visits (id),
    other_hub_id    UUID REFERENCES hubs (id),
    note            TEXT NOT NULL,
    recorded_by     UUID REFERENCES users (id),
    recorded_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX stock_movements_hub ON stock_movements (hub_id, recorded_at);
CREATE INDEX stock_movements_visit ON stock_movements (visit_id);
