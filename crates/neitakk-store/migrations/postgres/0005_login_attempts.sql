-- Login attempts per address or client in the current window, counted and
-- checked in one statement (an upsert), so parallel guesses cannot all pass
-- the limit. It replaces the list of failures, which was counted apart.
DROP TABLE login_failures;
CREATE TABLE login_attempts (
    key          TEXT PRIMARY KEY,              -- 'email:...' or 'ip:...'
    window_start TEXT NOT NULL,
    attempts     BIGINT NOT NULL
);
