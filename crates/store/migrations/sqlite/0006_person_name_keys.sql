-- A blind index of people's names: keyed hashes (HMAC under the deployment's key) of the
-- spelling-blind skeleton of each name, so likely duplicates are found without decrypting
-- everyone and without storing anything a reader of the database could turn back into a name.

CREATE TABLE person_name_keys (
    person_id       BLOB NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    key_id          TEXT NOT NULL,
    hash            TEXT NOT NULL,
    PRIMARY KEY (person_id, hash)
);
CREATE INDEX person_name_keys_hash ON person_name_keys (hash);
