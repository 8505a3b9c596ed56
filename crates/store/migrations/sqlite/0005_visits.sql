-- Visits: counts of people by age band and sex, never names. Each count is a column so figures
-- are sums, not JSON walks. A correction never overwrites: the old row is marked `corrected` and
-- the new one points to it; `voided` rows were recorded by mistake. Figures count `current` rows.

CREATE TABLE visits (
    id              BLOB PRIMARY KEY NOT NULL,
    hub_id          BLOB NOT NULL REFERENCES hubs (id),
    country         TEXT NOT NULL,
    day             TEXT NOT NULL,
    idempotency_key TEXT NOT NULL CONSTRAINT visits_idempotency_key UNIQUE,
    recorded_by     BLOB REFERENCES users (id),
    recorded_at     TEXT NOT NULL,
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
    groups          TEXT NOT NULL,
    nationality     TEXT NOT NULL,
    services        TEXT NOT NULL,
    status          TEXT NOT NULL,
    corrects        BLOB REFERENCES visits (id),
    changed_by      BLOB REFERENCES users (id),
    changed_at      TEXT,
    change_reason   TEXT,
    CHECK (total > 0 AND with_disability <= total)
);
CREATE INDEX visits_hub_day ON visits (hub_id, day, status);
CREATE INDEX visits_country_day ON visits (country, day, status);
