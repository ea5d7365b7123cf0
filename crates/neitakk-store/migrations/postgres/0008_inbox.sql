-- The inbox: how far each mailbox folder was read (by UIDVALIDITY and the
-- last UID handled, so that a restart never handles a message twice nor
-- skips one), and the draft made for each invitation (by its occurrence),
-- with the request's SEQUENCE, so that an update replaces it and a
-- cancellation removes it.
CREATE TABLE inbox_seen (
    owner       BIGINT NOT NULL DEFAULT 0,
    mailbox     TEXT   NOT NULL,
    uidvalidity BIGINT NOT NULL,
    last_uid    BIGINT NOT NULL,
    PRIMARY KEY (owner, mailbox)
);
CREATE TABLE inbox_drafts (
    owner         BIGINT NOT NULL DEFAULT 0,
    uid           TEXT   NOT NULL,
    recurrence_id TEXT   NOT NULL DEFAULT '',
    sequence      BIGINT NOT NULL,
    strategy      TEXT   NOT NULL,
    message_ids   TEXT   NOT NULL,
    folder        TEXT   NOT NULL,
    made_at       TEXT   NOT NULL,
    PRIMARY KEY (owner, uid, recurrence_id)
);
