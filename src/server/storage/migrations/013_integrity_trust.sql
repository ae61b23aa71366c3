-- Revealing a preserved identity takes two people (the custodian model): one controladoria account asks,
-- with its justification; another decides. The database itself refuses a decision by the one who asked.
CREATE TABLE integrity_reveal_requests (
  id uuid PRIMARY KEY,
  report_id uuid NOT NULL REFERENCES integrity_reports (id),
  requested_by uuid NOT NULL REFERENCES staff_accounts (id),
  justification text NOT NULL,
  requested_at timestamptz NOT NULL,
  decided_by uuid REFERENCES staff_accounts (id),
  decision text CHECK (decision IN ('approved', 'refused')),
  decided_at timestamptz,
  CHECK (decided_by IS NULL OR decided_by <> requested_by),
  CHECK ((decision IS NULL) = (decided_by IS NULL) AND (decision IS NULL) = (decided_at IS NULL))
);
-- One open request per person and report.
CREATE UNIQUE INDEX integrity_reveal_open ON integrity_reveal_requests (report_id, requested_by) WHERE decision IS NULL;

-- The mixer's inbox: reports and reporters' messages as received, sealed whole, held apart until the mixer
-- moves them into the tables above in random order at a random time. A random id and the day only: nothing
-- here says which came first.
CREATE TABLE integrity_inbox (
  id uuid PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('report', 'message')),
  -- The report's id to be (a report) or the report it adds to (a message): random, as every id here.
  report_id uuid NOT NULL,
  -- Exactly once by the phone's own id, as in the tables (checked against both).
  client_hash text NOT NULL UNIQUE,
  -- A report's receipt, so that it can be followed before it is moved.
  receipt_hash text UNIQUE,
  receipt_for_retry bytea,
  -- A reporter's messages to one report keep their order among themselves (1, 2, …), nothing more.
  report_order integer NOT NULL DEFAULT 0,
  day date NOT NULL,
  key_id text NOT NULL,
  contents bytea NOT NULL
);
CREATE INDEX integrity_inbox_report ON integrity_inbox (report_id);
