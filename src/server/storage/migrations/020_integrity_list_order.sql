-- The controladoria's list of integrity reports reads one page at a time, newest day first and by id within
-- a day (integrity-store.ts, reportPage): this index walks that order, so a page reads its own rows only.
-- It serves the lookups by received day (radar, transparency, yearly report) as well, and replaces
-- integrity_reports_day.
DROP INDEX IF EXISTS integrity_reports_day;
CREATE INDEX integrity_reports_list ON integrity_reports (received_day DESC, id);
