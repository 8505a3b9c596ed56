-- How a relationship between a child found and the person looking was verified (documents
-- seen, questions only the family could answer, recognition, a reliable witness) and what was
-- seen or asked, encrypted; who verified it is decided_by.
ALTER TABLE tracing_matches ADD COLUMN verification TEXT;
