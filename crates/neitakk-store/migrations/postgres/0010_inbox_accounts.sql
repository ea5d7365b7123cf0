-- A user's inbox on the team server: the IMAP account invitations arrive
-- at, its password or token command sealed with the server key (as CalDAV
-- passwords are), and how the last look at it went.
CREATE TABLE inbox_accounts (
    user_id   BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    host      TEXT NOT NULL,
    port      BIGINT NOT NULL,
    security  TEXT NOT NULL,                    -- tls, starttls or none
    username  TEXT NOT NULL,
    secret    TEXT NOT NULL,                    -- sealed with the server key
    token     BIGINT NOT NULL DEFAULT 0,          -- 1: the secret is a token command
    folder    TEXT NOT NULL,
    drafts    TEXT,
    sent      TEXT,
    looked_at TEXT,
    problem   TEXT
);
-- An invitation read from the inbox is kept as one of the user's calendars
-- (so that it is on the week board), by its UID: an update replaces it.
ALTER TABLE calendars ADD COLUMN invitation TEXT;
-- The invitation's Message-ID, so that a reply sent from a page is
-- threaded to it as its draft was.
ALTER TABLE inbox_drafts ADD COLUMN in_reply_to TEXT;
