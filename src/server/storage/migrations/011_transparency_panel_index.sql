-- The transparency panel reads every request's dates, status and secretariat/service (snapshot.ts): this
-- covering index lets it read them without touching the rows (an index-only scan, about a sixth of the
-- table's size), already in (secretariat, service) order, so the counts and the medians need no sort.
-- 1,000,000 submissions on PostgreSQL: see tests/bench/transparency.ts.
CREATE INDEX submissions_panel_requests ON submissions (secretariat_id, service_id)
  INCLUDE (received_at, closed_at, due_at, status, paused_seconds) WHERE kind = 'request';
