-- Replies actually sent, so that a second run never sends the same reply
-- twice. A changed request (higher SEQUENCE) is a new key and may be answered.
CREATE TABLE sent (
    uid           TEXT    NOT NULL,
    recurrence_id TEXT    NOT NULL DEFAULT '',
    sequence      BIGINT  NOT NULL,
    strategy      TEXT    NOT NULL,
    sent_at       TEXT    NOT NULL,
    message_id    TEXT    NOT NULL,
    recipients    TEXT    NOT NULL,
    PRIMARY KEY (uid, recurrence_id, sequence, strategy)
);
