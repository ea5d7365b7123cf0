-- A count of the changes to what a server request reads about a user
-- besides the user row itself (the client registry, CalDAV accounts,
-- calendars, the journal), moved on by triggers whatever writes them. A
-- server reads it with the user, in the same query, and reuses what it read
-- for that user while the count stands: the database stays the one truth,
-- for every process that shares it.
CREATE TABLE changes (n INTEGER NOT NULL);
INSERT INTO changes (n) VALUES (0);

CREATE TRIGGER clients_inserted AFTER INSERT ON clients BEGIN UPDATE changes SET n = n + 1; END;
CREATE TRIGGER clients_updated AFTER UPDATE ON clients BEGIN UPDATE changes SET n = n + 1; END;
CREATE TRIGGER clients_deleted AFTER DELETE ON clients BEGIN UPDATE changes SET n = n + 1; END;
CREATE TRIGGER caldav_inserted AFTER INSERT ON caldav_accounts BEGIN UPDATE changes SET n = n + 1; END;
CREATE TRIGGER caldav_updated AFTER UPDATE ON caldav_accounts BEGIN UPDATE changes SET n = n + 1; END;
CREATE TRIGGER caldav_deleted AFTER DELETE ON caldav_accounts BEGIN UPDATE changes SET n = n + 1; END;
CREATE TRIGGER calendars_inserted AFTER INSERT ON calendars BEGIN UPDATE changes SET n = n + 1; END;
CREATE TRIGGER calendars_updated AFTER UPDATE ON calendars BEGIN UPDATE changes SET n = n + 1; END;
CREATE TRIGGER calendars_deleted AFTER DELETE ON calendars BEGIN UPDATE changes SET n = n + 1; END;
CREATE TRIGGER journal_inserted AFTER INSERT ON journal BEGIN UPDATE changes SET n = n + 1; END;
CREATE TRIGGER journal_updated AFTER UPDATE ON journal BEGIN UPDATE changes SET n = n + 1; END;
CREATE TRIGGER journal_deleted AFTER DELETE ON journal BEGIN UPDATE changes SET n = n + 1; END;
