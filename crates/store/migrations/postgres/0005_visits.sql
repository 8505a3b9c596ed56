-- Visits: counts of people by age band and sex, never names. Each count is a column so figures
-- are sums, not JSON walks. A correction never overwrites: the old row is marked `corrected` and
-- the new one points to it; `voided` rows were recorded by mistake. Figures count `current` rows.

CREATE TABLE visits (
    id              UUID PRIMARY KEY,
    hub_id          UUID NOT NULL REFERENCES hubs (id),
    country         TEXT NOT NULL,
    day             DATE NOT NULL,
    idempotency_key TEXT NOT NULL CONSTRAINT visits_idempotency_key UNIQUE,
    recorded_by     UUID REFERENCES users (id),
    recorded_at     TIMESTAMPTZ NOT NULL,
    female_0_4      INTEGER NOT NULL,
    female_5_11     INTEGER NOT NULL,
    female_12_17    INTEGER NOT NULL,
    female_18_59    INTEGER NOT NULL,
    female_60       INTEGER NOT NULL,
    male_0_4        INTEGER NOT NULL,
    male_5_11       INTEGER NOT NULL,
    male_12_17      INTEGER NOT NULL,
    male_18_59      INTEGER NOT NULL,
    male_60         INTEGER NOT NULL,
    total           INTEGER NOT NULL,
    with_disability INTEGER NOT NULL,
    groups          JSONB NOT NULL,
    nationality     TEXT NOT NULL,
    services        JSONB NOT NULL,
    status          TEXT NOT NULL,
    corrects        UUID REFERENCES visits (id),
    changed_by      UUID REFERENCES users (id),
    changed_at      TIMESTAMPTZ,
    change_reason   TEXT,
    CHECK (total > 0 AND with_disability <= total)
);
CREATE INDEX visits_hub_day ON visits (hub_id, day, status);
CREATE INDEX visits_country_day ON visits (country, day, status);
