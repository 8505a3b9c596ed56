-- A service at a hub may keep its own hours (when they differ from the hub's), be given in
-- other languages, be run by a partner organisation, and be open only to some people.
ALTER TABLE hub_services ADD COLUMN hours TEXT;
ALTER TABLE hub_services ADD COLUMN languages TEXT NOT NULL DEFAULT '[]';
ALTER TABLE hub_services ADD COLUMN provided_by TEXT NOT NULL DEFAULT '';
ALTER TABLE hub_services ADD COLUMN eligibility TEXT NOT NULL DEFAULT '{}';
