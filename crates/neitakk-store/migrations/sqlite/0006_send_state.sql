-- Each reply's send as it went: 'sending' once claimed (before the mail
-- server is reached), 'sent' once every message was handed over, 'failed'
-- when the mail server said no, 'interrupted' when the process that
-- claimed it stopped before either. Only a 'sent' reply is never sent
-- again; the others may be, with the same Message-IDs.
ALTER TABLE sent ADD COLUMN state TEXT NOT NULL DEFAULT 'sent';
ALTER TABLE sent ADD COLUMN claimed_at TEXT NOT NULL DEFAULT '';
ALTER TABLE sent ADD COLUMN attempts BIGINT NOT NULL DEFAULT 1;

-- This journal's own random name: it makes the Message-IDs of its replies
-- its own (the same reply sent again from it has the same ones).
CREATE TABLE instance (id TEXT NOT NULL);
INSERT INTO instance (id) VALUES (lower(hex(randomblob(16))));
