-- The work queue walks an index in its own order: open before closed, then the due date (none last), then
-- id, within each slice of what a person may see (queue-store.ts: one branch per kind and secretariat,
-- merged). submissions_queue (secretariat_id, kind, due_at, id) sorted by a due date alone, so every page
-- read all of a secretariat's rows and sorted them; the new index serves the same (secretariat_id, kind)
-- lookups and replaces it.
DROP INDEX IF EXISTS submissions_queue;
CREATE INDEX submissions_queue_order ON submissions (secretariat_id, kind, (closed_at IS NOT NULL), (coalesce(due_at, 'infinity'::timestamptz)), id);
-- Manifestações as the secretariat they were forwarded to sees them.
CREATE INDEX submissions_forwarded_order ON submissions (forwarded_to, kind, (closed_at IS NOT NULL), (coalesce(due_at, 'infinity'::timestamptz)), id)
  WHERE forwarded_to IS NOT NULL;
-- A kind everywhere (the Ouvidoria's manifestações, the controladoria's every kind).
CREATE INDEX submissions_kind_order ON submissions (kind, (closed_at IS NOT NULL), (coalesce(due_at, 'infinity'::timestamptz)), id);
