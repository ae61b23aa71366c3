-- The time a request waited for the citizen (its clock paused), kept on the row as it happens, so that the
-- panel can tell how long the city itself took without replaying every history.
ALTER TABLE submissions ADD COLUMN paused_seconds integer NOT NULL DEFAULT 0;
ALTER TABLE submissions ADD COLUMN waiting_since timestamptz;
UPDATE submissions SET waiting_since = (SELECT max(at) FROM status_history h WHERE h.submission_id = submissions.id AND h.status = 'waiting_citizen')
  WHERE status = 'waiting_citizen';
CREATE INDEX submissions_closed ON submissions (closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX submissions_kind_received ON submissions (kind, received_at);

-- The published panel: one row per computation, newest is current.
CREATE TABLE transparency_snapshots (
  id serial PRIMARY KEY,
  computed_at timestamptz NOT NULL,
  -- What the data looked like (charter, newest history and event ids, integrity count): unchanged means no recompute.
  token text NOT NULL,
  body text NOT NULL
);
