-- Network planning: where people arrive (crossing points, stations, reception sites), how
-- many and when, imported from published border statistics; and plans of changes to the
-- network compared with today. Aggregate counts only, never people.
CREATE TABLE planning_places (
    code        TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    country     TEXT NOT NULL,
    lat         REAL NOT NULL,
    lon         REAL NOT NULL,
    is_demo     BOOLEAN NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE planning_imports (
    id          BLOB PRIMARY KEY NOT NULL,
    countries   TEXT NOT NULL,
    first_day   TEXT NOT NULL,
    last_day    TEXT NOT NULL,
    rows        INTEGER NOT NULL,
    is_demo     BOOLEAN NOT NULL,
    imported_by BLOB REFERENCES users (id),
    imported_at TEXT NOT NULL
);

-- One count per place, day, hour band and mode; a later import of the same key replaces it,
-- so a corrected month is imported again rather than added twice.
CREATE TABLE planning_arrivals (
    place_code  TEXT NOT NULL REFERENCES planning_places (code),
    day         TEXT NOT NULL,
    first_hour  INTEGER NOT NULL,
    hours       INTEGER NOT NULL,
    mode        TEXT NOT NULL,
    count       INTEGER NOT NULL,
    import_id   BLOB NOT NULL REFERENCES planning_imports (id),
    PRIMARY KEY (place_code, day, first_hour, mode)
);
CREATE INDEX planning_arrivals_day ON planning_arrivals (day);

-- A plan: changes to the network (mobile team slots, longer hours, new hubs) for a country,
-- with the period and reach it was judged on; its team slots become deployments once.
CREATE TABLE planning_scenarios (
    id          BLOB PRIMARY KEY NOT NULL,
    country     TEXT NOT NULL,
    name        TEXT NOT NULL,
    first_day   TEXT NOT NULL,
    last_day    TEXT NOT NULL,
    radius_km   INTEGER NOT NULL,
    changes     TEXT NOT NULL,
    created_by  BLOB REFERENCES users (id),
    created_at  TEXT NOT NULL,
    deployed_at TEXT,
    deployed_by BLOB REFERENCES users (id)
);
CREATE INDEX planning_scenarios_country ON planning_scenarios (country, created_at);
