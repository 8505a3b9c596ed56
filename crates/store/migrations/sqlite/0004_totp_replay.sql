-- A second-factor code works once: the time step of the last accepted code is kept.
ALTER TABLE users ADD COLUMN totp_last_step INTEGER;
