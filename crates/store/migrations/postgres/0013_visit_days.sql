-- Each hub's current visits summed per day, kept in the transaction that changes a visit, so
-- that figures over a year read one row per hub and day instead of every visit.
CREATE TABLE visit_days (
    hub_id          UUID NOT NULL REFERENCES hubs (id),
    country         TEXT NOT NULL,
    day             DATE NOT NULL,
    visits          INTEGER NOT NULL,
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
    with_disability INTEGER NOT NULL,
    -- Visits per priority group code: {"children": 12, ...}
    groups          JSONB NOT NULL,
    PRIMARY KEY (hub_id, day)
);
CREATE INDEX visit_days_day ON visit_days (day);
