-- The language an account chose for the staff pages; NULL follows the browser.
ALTER TABLE users ADD COLUMN language TEXT;
