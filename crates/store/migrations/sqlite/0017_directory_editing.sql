-- The directory is edited by coordinators: every hub and article carries a version number
-- (an editor's save refuses to overwrite a change made since the form was opened) and every
-- saved version is kept whole, with who saved it and which fields changed, so any earlier one
-- can be shown and restored.
ALTER TABLE hubs ADD COLUMN closures TEXT NOT NULL DEFAULT '[]';
ALTER TABLE hubs ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE articles ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
-- Each language version keeps a digest of its own text. A translation names the language it
-- was translated from and the digest of that source as it stood when the translation was last
-- written or verified; when the source's digest differs today, the translation is outdated.
ALTER TABLE articles ADD COLUMN text_digest TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN source_lang TEXT;
ALTER TABLE articles ADD COLUMN source_digest TEXT;

CREATE TABLE directory_history (
    entry         TEXT NOT NULL,
    version       INTEGER NOT NULL,
    action        TEXT NOT NULL,
    restored_from INTEGER,
    content       TEXT NOT NULL,
    changed       TEXT NOT NULL,
    actor_id      BLOB,
    source        TEXT NOT NULL,
    changed_at    TEXT NOT NULL,
    PRIMARY KEY (entry, version)
);
