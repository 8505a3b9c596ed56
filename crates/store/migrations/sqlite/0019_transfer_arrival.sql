-- Both sides of a hand-over read the same status line: when the package reached the receiver,
-- the decision, and whether the child arrived. The receiver reports the arrival (or that the
-- child did not come), and the report travels back like the answer, with its own delivery.
ALTER TABLE transfers ADD COLUMN delivered_at TEXT;
ALTER TABLE transfers ADD COLUMN arrival TEXT;
ALTER TABLE transfers ADD COLUMN arrival_at TEXT;
ALTER TABLE transfers ADD COLUMN arrival_note TEXT;
ALTER TABLE transfers ADD COLUMN arrival_package TEXT;
ALTER TABLE transfers ADD COLUMN arrival_delivered_at TEXT;
