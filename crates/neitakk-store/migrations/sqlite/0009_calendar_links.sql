-- A calendar can be a published link: its address, and what to ask the
-- next time whether it changed (ETag, Last-Modified). Its data is the last
-- copy fetched.
ALTER TABLE calendars ADD COLUMN url TEXT;
ALTER TABLE calendars ADD COLUMN etag TEXT;
ALTER TABLE calendars ADD COLUMN last_modified TEXT;
