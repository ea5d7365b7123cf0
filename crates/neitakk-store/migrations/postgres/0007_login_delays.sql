-- Failed logins slow the next try down (a wait that doubles), rather than
-- locking the account: the last attempt's time, in seconds since 1970.
ALTER TABLE login_attempts ADD COLUMN last_at BIGINT NOT NULL DEFAULT 0;
