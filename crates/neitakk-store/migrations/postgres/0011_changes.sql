-- A count of the changes to what a server request reads about a user
-- besides the user row itself (the client registry, CalDAV accounts,
-- calendars, the journal), moved on by triggers whatever writes them. A
-- server reads it with the user, in the same query, and reuses what it read
-- for that user while the count stands: the database stays the one truth,
-- for every process that shares it.
CREATE TABLE changes (n BIGINT NOT NULL);
INSERT INTO changes (n) VALUES (0);

CREATE FUNCTION count_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE changes SET n = n + 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER clients_changed AFTER INSERT OR UPDATE OR DELETE ON clients
    FOR EACH STATEMENT EXECUTE FUNCTION count_change();
CREATE TRIGGER caldav_changed AFTER INSERT OR UPDATE OR DELETE ON caldav_accounts
    FOR EACH STATEMENT EXECUTE FUNCTION count_change();
CREATE TRIGGER calendars_changed AFTER INSERT OR UPDATE OR DELETE ON calendars
    FOR EACH STATEMENT EXECUTE FUNCTION count_change();
CREATE TRIGGER journal_changed AFTER INSERT OR UPDATE OR DELETE ON journal
    FOR EACH STATEMENT EXECUTE FUNCTION count_change();
