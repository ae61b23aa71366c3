-- The queue's counts per status, kept as they change (queue-store.ts, queueCounts): counting every row a
-- person sees on each list answer read hundreds of thousands of rows at a city's five years. One row per
-- slice a person may see (kind, secretariat, forwarded-to secretariat; '' when not forwarded) and per service
-- and status, so a count, by secretariat, kind, service or none, sums a few hundred rows.
CREATE TABLE queue_counts (
  kind text NOT NULL,
  secretariat_id text NOT NULL,
  forwarded_to text NOT NULL,
  service_id text NOT NULL,
  status text NOT NULL,
  n bigint NOT NULL,
  PRIMARY KEY (kind, secretariat_id, forwarded_to, service_id, status)
);

INSERT INTO queue_counts (kind, secretariat_id, forwarded_to, service_id, status, n)
SELECT kind, secretariat_id, coalesce(forwarded_to, ''), service_id, status, count(*) FROM submissions GROUP BY 1, 2, 3, 4, 5;

-- Kept by triggers, not by the code that writes: every writer (accepting, staff actions, CLIs, imports) goes
-- through SQL, and the count changes in the writer's own transaction. Statement triggers with transition
-- tables add a bulk insert's rows grouped, one upsert per slice, not one per row. Rows are upserted in key
-- order so that two transactions touching the same slices lock them in the same order.
CREATE FUNCTION queue_counts_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO queue_counts AS c (kind, secretariat_id, forwarded_to, service_id, status, n)
  SELECT kind, secretariat_id, coalesce(forwarded_to, ''), service_id, status, count(*) FROM added GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (kind, secretariat_id, forwarded_to, service_id, status) DO UPDATE SET n = c.n + excluded.n;
  RETURN NULL;
END $$;

CREATE FUNCTION queue_counts_remove() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE queue_counts c SET n = c.n - r.n
  FROM (SELECT kind, secretariat_id, coalesce(forwarded_to, '') AS forwarded_to, service_id, status, count(*) AS n FROM removed GROUP BY 1, 2, 3, 4, 5) r
  WHERE (c.kind, c.secretariat_id, c.forwarded_to, c.service_id, c.status) = (r.kind, r.secretariat_id, r.forwarded_to, r.service_id, r.status);
  RETURN NULL;
END $$;

-- An update moves a row from one slice to another only when a counted column changed (most updates set a
-- due date, an assignee or a closing time, and cost one join of the changed rows, which finds none).
CREATE FUNCTION queue_counts_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO queue_counts AS c (kind, secretariat_id, forwarded_to, service_id, status, n)
  SELECT change.kind, change.secretariat_id, change.forwarded_to, change.service_id, change.status, sum(change.d)
  FROM before_rows o JOIN after_rows a ON a.id = o.id
  CROSS JOIN LATERAL (VALUES (o.kind, o.secretariat_id, coalesce(o.forwarded_to, ''), o.service_id, o.status, -1),
                             (a.kind, a.secretariat_id, coalesce(a.forwarded_to, ''), a.service_id, a.status, 1))
    AS change (kind, secretariat_id, forwarded_to, service_id, status, d)
  WHERE (o.kind, o.secretariat_id, o.forwarded_to, o.service_id, o.status) IS DISTINCT FROM (a.kind, a.secretariat_id, a.forwarded_to, a.service_id, a.status)
  GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (kind, secretariat_id, forwarded_to, service_id, status) DO UPDATE SET n = c.n + excluded.n;
  RETURN NULL;
END $$;

CREATE FUNCTION queue_counts_clear() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM queue_counts;
  RETURN NULL;
END $$;

CREATE TRIGGER submissions_counted_insert AFTER INSERT ON submissions REFERENCING NEW TABLE AS added
  FOR EACH STATEMENT EXECUTE FUNCTION queue_counts_add();
CREATE TRIGGER submissions_counted_delete AFTER DELETE ON submissions REFERENCING OLD TABLE AS removed
  FOR EACH STATEMENT EXECUTE FUNCTION queue_counts_remove();
CREATE TRIGGER submissions_counted_update AFTER UPDATE ON submissions REFERENCING OLD TABLE AS before_rows NEW TABLE AS after_rows
  FOR EACH STATEMENT EXECUTE FUNCTION queue_counts_move();
CREATE TRIGGER submissions_counted_truncate AFTER TRUNCATE ON submissions
  FOR EACH STATEMENT EXECUTE FUNCTION queue_counts_clear();

-- A service's page in the queue's order: without it, a slice where the service has no request (a gestor's
-- other secretariat) was read whole, row by row, looking for one.
CREATE INDEX submissions_service_order ON submissions (secretariat_id, kind, service_id, (closed_at IS NOT NULL), (coalesce(due_at, 'infinity'::timestamptz)), id);

-- Filters the kept counts cannot answer, each served by an index in the queue's order (the page) that also
-- holds the status (the count, read from the index alone): a district; a month received (the count; the
-- page walks the queue's order); overdue (open, not waiting for the citizen, due before now: queue-store.ts
-- writes it on coalesce(due_at, 'infinity'), the index's own expression, so now bounds the scan).
CREATE INDEX submissions_district_order ON submissions (secretariat_id, kind, district, (closed_at IS NOT NULL), (coalesce(due_at, 'infinity'::timestamptz)), id)
  INCLUDE (status);
CREATE INDEX submissions_received_by_slice ON submissions (secretariat_id, kind, received_at) INCLUDE (status);
CREATE INDEX submissions_running_order ON submissions (secretariat_id, kind, (closed_at IS NOT NULL), (coalesce(due_at, 'infinity'::timestamptz)), id)
  INCLUDE (status, due_at) WHERE closed_at IS NULL AND status <> 'waiting_citizen';
