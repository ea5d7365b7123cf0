-- The decision journal: every message neitakk produced, per client.
CREATE TABLE journal (
    id            BIGSERIAL PRIMARY KEY,
    decided_at    TEXT    NOT NULL,           -- RFC 3339, UTC
    client        TEXT,                       -- client name, NULL for internal meetings
    uid           TEXT    NOT NULL,
    recurrence_id TEXT    NOT NULL DEFAULT '', -- '' for single events
    sequence      BIGINT  NOT NULL DEFAULT 0,
    strategy      TEXT    NOT NULL,
    meeting_start TEXT    NOT NULL,
    summary       TEXT,
    lang          TEXT    NOT NULL,
    outbox_path   TEXT
);
CREATE INDEX journal_client_time ON journal (client, decided_at);
CREATE INDEX journal_reply_key ON journal (uid, recurrence_id, sequence, strategy);
