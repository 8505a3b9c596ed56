-- A browser a mobile team works offline on. The server makes the device's data key and keeps
-- it sealed here; the device keeps it only wrapped under a PIN. Work done offline arrives as
-- operations sent with the device's key; each is applied once, by its idempotency key.
CREATE TABLE offline_devices (
    id          UUID PRIMARY KEY,
    user_id     UUID NOT NULL REFERENCES users (id),
    data_key    TEXT NOT NULL,
    enrolled_at TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    ended_at    TIMESTAMPTZ
);
CREATE INDEX offline_devices_user ON offline_devices (user_id);

CREATE TABLE offline_operations (
    key         TEXT PRIMARY KEY NOT NULL,
    device_id   UUID NOT NULL REFERENCES offline_devices (id),
    user_id     UUID NOT NULL REFERENCES users (id),
    kind        TEXT NOT NULL,
    done_at     TIMESTAMPTZ NOT NULL,
    received_at TIMESTAMPTZ NOT NULL,
    outcome     JSONB NOT NULL
);
