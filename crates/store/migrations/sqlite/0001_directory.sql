-- The public directory: hubs, their services, external providers and information articles.
-- Multilingual texts are JSON objects keyed by BCP 47 language code.

CREATE TABLE hubs (
    id            BLOB PRIMARY KEY NOT NULL,
    slug          TEXT NOT NULL CONSTRAINT hubs_slug_key UNIQUE,
    kind          TEXT NOT NULL,
    country       TEXT NOT NULL,
    name          TEXT NOT NULL,
    description   TEXT NOT NULL,
    address       TEXT NOT NULL,
    lat           REAL NOT NULL,
    lon           REAL NOT NULL,
    opening_hours TEXT NOT NULL,
    contacts      TEXT NOT NULL,
    languages     TEXT NOT NULL,
    accessibility TEXT NOT NULL,
    status        TEXT NOT NULL,
    status_note   TEXT NOT NULL,
    partners      TEXT NOT NULL,
    verified_at   TEXT NOT NULL,
    is_demo       BOOLEAN NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX hubs_country ON hubs (country);

CREATE TABLE hub_services (
    hub_id          BLOB NOT NULL REFERENCES hubs (id) ON DELETE CASCADE,
    service         TEXT NOT NULL,
    priority_groups TEXT NOT NULL,
    note            TEXT NOT NULL,
    verified_at     TEXT NOT NULL,
    PRIMARY KEY (hub_id, service)
);
CREATE INDEX hub_services_service ON hub_services (service);

CREATE TABLE providers (
    id             BLOB PRIMARY KEY NOT NULL,
    country        TEXT NOT NULL,
    organization   TEXT NOT NULL,
    service        TEXT NOT NULL,
    name           TEXT NOT NULL,
    description    TEXT NOT NULL,
    address        TEXT NOT NULL,
    lat            REAL,
    lon            REAL,
    opening_hours  TEXT,
    contacts       TEXT NOT NULL,
    website        TEXT,
    eligibility    TEXT NOT NULL,
    languages      TEXT NOT NULL,
    free_of_charge BOOLEAN NOT NULL,
    fees           TEXT NOT NULL,
    verified_at    TEXT NOT NULL,
    is_demo        BOOLEAN NOT NULL
);
CREATE INDEX providers_country_service ON providers (country, service);

CREATE TABLE articles (
    country     TEXT NOT NULL,
    topic       TEXT NOT NULL,
    lang        TEXT NOT NULL,
    title       TEXT NOT NULL,
    summary     TEXT NOT NULL,
    body        TEXT NOT NULL,
    verified_at TEXT NOT NULL,
    is_demo     BOOLEAN NOT NULL,
    PRIMARY KEY (country, topic, lang)
);
