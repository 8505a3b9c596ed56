-- The public directory: hubs, their services, external providers and information articles.
-- Multilingual texts are JSON objects keyed by BCP 47 language code.

CREATE TABLE hubs (
    id            UUID PRIMARY KEY,
    slug          TEXT NOT NULL CONSTRAINT hubs_slug_key UNIQUE,
    kind          TEXT NOT NULL,
    country       TEXT NOT NULL,
    name          JSONB NOT NULL,
    description   JSONB NOT NULL,
    address       JSONB NOT NULL,
    lat           DOUBLE PRECISION NOT NULL,
    lon           DOUBLE PRECISION NOT NULL,
    opening_hours TEXT NOT NULL,
    contacts      JSONB NOT NULL,
    languages     JSONB NOT NULL,
    accessibility JSONB NOT NULL,
    status        TEXT NOT NULL,
    status_note   JSONB NOT NULL,
    partners      JSONB NOT NULL,
    verified_at   TIMESTAMPTZ NOT NULL,
    is_demo       BOOLEAN NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX hubs_country ON hubs (country);

CREATE TABLE hub_services (
    hub_id          UUID NOT NULL REFERENCES hubs (id) ON DELETE CASCADE,
    service         TEXT NOT NULL,
    priority_groups JSONB NOT NULL,
    note            JSONB NOT NULL,
    verified_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (hub_id, service)
);
CREATE INDEX hub_services_service ON hub_services (service);

CREATE TABLE providers (
    id             UUID PRIMARY KEY,
    country        TEXT NOT NULL,
    organization   TEXT NOT NULL,
    service        TEXT NOT NULL,
    name           JSONB NOT NULL,
    description    JSONB NOT NULL,
    address        JSONB NOT NULL,
    lat            DOUBLE PRECISION,
    lon            DOUBLE PRECISION,
    opening_hours  TEXT,
    contacts       JSONB NOT NULL,
    website        TEXT,
    eligibility    JSONB NOT NULL,
    languages      JSONB NOT NULL,
    free_of_charge BOOLEAN NOT NULL,
    fees           JSONB NOT NULL,
    verified_at    TIMESTAMPTZ NOT NULL,
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
    verified_at TIMESTAMPTZ NOT NULL,
    is_demo     BOOLEAN NOT NULL,
    PRIMARY KEY (country, topic, lang)
);
