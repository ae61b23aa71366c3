-- Two indexes of the queue that PostgreSQL read the wrong way at 1,000,000 submissions (EXPLAIN ANALYZE in
-- `npm run bench:staff -- --explain`).
--
-- 1. A kind everywhere (the Ouvidoria's manifestações, the controladoria's every kind) walked
--    submissions_kind_order (kind, …). A secretariat's slice (secretariat_id = … AND kind = …) could walk it
--    too, dropping the other secretariats' rows one by one, and the planner chose it: kind's rows lie almost
--    in the table's physical order (85% are requests; correlation 0.73 against secretariat_id's 0.11), so
--    it priced its heap reads as nearly sequential. A CSV export's slice of 2,000 read 13,660 buffers that
--    way, 2,025 through submissions_queue_order. Keyed on kind COLLATE "C", the index serves only the
--    branches that say `kind = … COLLATE "C"` (queue-store.ts, scopesOf: the kind-everywhere ones).
DROP INDEX IF EXISTS submissions_kind_order;
CREATE INDEX submissions_everywhere_order ON submissions ((kind COLLATE "C"), (closed_at IS NOT NULL), (coalesce(due_at, 'infinity'::timestamptz)), id);

-- 2. A short window of days received sorts the window (queue-store.ts, SORTED_ORDER_KEY). Holding the
--    queue's order columns, the window's index answers the sort from the index alone, and only the page's
--    rows are read from the table (18,265 rows of a month: the table read whole before, by received_at).
DROP INDEX IF EXISTS submissions_received_by_slice;
CREATE INDEX submissions_received_by_slice ON submissions (secretariat_id, kind, received_at) INCLUDE (status, closed_at, due_at, id);
