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

-- 3. A district's counts per status were counted row by row (24,000 index entries for a gestor at
--    1,000,000): queue_counts keeps them too, one more column ('' when the request has no district), so a
--    district's count sums a few rows like a secretariat's, service's or kind's (queue-store.ts, COUNTED_FILTERS).
ALTER TABLE queue_counts ADD COLUMN district text NOT NULL DEFAULT '';
ALTER TABLE queue_counts DROP CONSTRAINT queue_counts_pkey;
DELETE FROM queue_counts;
INSERT INTO queue_counts (kind, secretariat_id, forwarded_to, service_id, status, district, n)
SELECT kind, secretariat_id, coalesce(forwarded_to, ''), service_id, status, coalesce(district, ''), count(*) FROM submissions GROUP BY 1, 2, 3, 4, 5, 6;
ALTER TABLE queue_counts ADD PRIMARY KEY (kind, secretariat_id, forwarded_to, service_id, status, district);
ALTER TABLE queue_counts ALTER COLUMN district DROP DEFAULT;

-- The triggers of migration 018, with the district.
CREATE OR REPLACE FUNCTION queue_counts_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO queue_counts AS c (kind, secretariat_id, forwarded_to, service_id, status, district, n)
  SELECT kind, secretariat_id, coalesce(forwarded_to, ''), service_id, status, coalesce(district, ''), count(*) FROM added
  GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (kind, secretariat_id, forwarded_to, service_id, status, district) DO UPDATE SET n = c.n + excluded.n;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION queue_counts_remove() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE queue_counts c SET n = c.n - r.n
  FROM (SELECT kind, secretariat_id, coalesce(forwarded_to, '') AS forwarded_to, service_id, status, coalesce(district, '') AS district, count(*) AS n
        FROM removed GROUP BY 1, 2, 3, 4, 5, 6) r
  WHERE (c.kind, c.secretariat_id, c.forwarded_to, c.service_id, c.status, c.district) = (r.kind, r.secretariat_id, r.forwarded_to, r.service_id, r.status, r.district);
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION queue_counts_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO queue_counts AS c (kind, secretariat_id, forwarded_to, service_id, status, district, n)
  SELECT change.kind, change.secretariat_id, change.forwarded_to, change.service_id, change.status, change.district, sum(change.d)
  FROM before_rows o JOIN after_rows a ON a.id = o.id
  CROSS JOIN LATERAL (VALUES (o.kind, o.secretariat_id, coalesce(o.forwarded_to, ''), o.service_id, o.status, coalesce(o.district, ''), -1),
                             (a.kind, a.secretariat_id, coalesce(a.forwarded_to, ''), a.service_id, a.status, coalesce(a.district, ''), 1))
    AS change (kind, secretariat_id, forwarded_to, service_id, status, district, d)
  WHERE (o.kind, o.secretariat_id, o.forwarded_to, o.service_id, o.status, o.district) IS DISTINCT FROM (a.kind, a.secretariat_id, a.forwarded_to, a.service_id, a.status, a.district)
  GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
  ON CONFLICT (kind, secretariat_id, forwarded_to, service_id, status, district) DO UPDATE SET n = c.n + excluded.n;
  RETURN NULL;
END $$;
