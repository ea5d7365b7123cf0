-- The team server: every journal entry, sent reply and draft belongs to one
-- user (owner 0 is the command line's single user); the shared client
-- registry; users' settings; CalDAV accounts with encrypted secrets; and
-- failed logins, kept in the database so that every server process sees them.
ALTER TABLE journal ADD COLUMN owner INTEGER NOT NULL DEFAULT 0;
CREATE INDEX journal_owner ON journal (owner, client, decided_at);

CREATE TABLE sent_new (
    owner         INTEGER NOT NULL DEFAULT 0,
    uid           TEXT    NOT NULL,
    recurrence_id TEXT    NOT NULL DEFAULT '',
    sequence      INTEGER NOT NULL,
    strategy      TEXT    NOT NULL,
    sent_at       TEXT    NOT NULL,
    message_id    TEXT    NOT NULL,
    recipients    TEXT    NOT NULL,
    PRIMARY KEY (owner, uid, recurrence_id, sequence, strategy)
);
INSERT INTO sent_new (uid, recurrence_id, sequence, strategy, sent_at, message_id, recipients)
    SELECT uid, recurrence_id, sequence, strategy, sent_at, message_id, recipients FROM sent;
DROP TABLE sent;
ALTER TABLE sent_new RENAME TO sent;

ALTER TABLE users ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';  -- JSON

CREATE TABLE clients (
    name TEXT PRIMARY KEY,
    data TEXT NOT NULL                          -- JSON, as in clients.toml
);

CREATE TABLE drafts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    owner       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    uid         TEXT NOT NULL,
    strategy    TEXT NOT NULL,
    kind        TEXT NOT NULL,
    recipients  TEXT NOT NULL,
    subject     TEXT NOT NULL,
    message_id  TEXT NOT NULL,
    eml         TEXT NOT NULL,
    sent_at     TEXT
);
CREATE INDEX drafts_owner ON drafts (owner, id);

CREATE TABLE caldav_accounts (
    user_id   INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    url       TEXT NOT NULL,
    username  TEXT NOT NULL,
    secret    TEXT NOT NULL                     -- the password, sealed with the server key
);

CREATE TABLE login_failures (
    key       TEXT NOT NULL,                    -- 'email:...' or 'ip:...'
    failed_at TEXT NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, failed_at);
