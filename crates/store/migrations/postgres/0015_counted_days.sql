-- The hub-local day each counted moment falls on, written with the moment, so that figures
-- over a long period are grouped by the database instead of converted row by row.
-- Rows written before this migration are filled in by the server on start (the time zone
-- rules live in the server, not in SQL).
ALTER TABLE people ADD COLUMN registered_day DATE;
ALTER TABLE cases ADD COLUMN opened_day DATE;
-- Set when a case is closed (cases are never reopened).
ALTER TABLE cases ADD COLUMN closed_day DATE;
ALTER TABLE referrals ADD COLUMN created_day DATE;
ALTER TABLE referrals ADD COLUMN updated_day DATE;
ALTER TABLE stock_movements ADD COLUMN day DATE;
-- Each index leads with the day and holds every column the figures group by, so a year of
-- records is counted from the index alone, in the order it is grouped.
CREATE INDEX people_registered_day ON people (registered_day, hub_id, country, needs);
CREATE INDEX cases_opened_day ON cases (opened_day, hub_id, country);
CREATE INDEX cases_closed_day ON cases (closed_day, hub_id, country, closure_reason);
CREATE INDEX referrals_created_day ON referrals (created_day, hub_id, country, service);
CREATE INDEX referrals_updated_day ON referrals (updated_day, hub_id, country, service, status);
CREATE INDEX stock_movements_day ON stock_movements (day, hub_id, item, kind, change);
