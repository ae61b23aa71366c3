-- Charter versions: the exact JSON served (its bytes are what the ETag hashes), newest id is current.
CREATE TABLE charter_versions (
  id serial PRIMARY KEY,
  version text NOT NULL,
  sha256 text NOT NULL,
  body text NOT NULL,
  installed_at timestamptz NOT NULL DEFAULT now()
);

-- A form id + version, once stored, never changes: submissions filled in offline are validated against it.
CREATE TABLE form_versions (
  form_id text NOT NULL,
  version integer NOT NULL,
  kind text NOT NULL,
  sha256 text NOT NULL,
  definition jsonb NOT NULL,
  installed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (form_id, version)
);

-- Content-addressed files; bytes live in the database so stateless processes share them.
CREATE TABLE attachments (
  sha256 text PRIMARY KEY,
  type text NOT NULL,
  size integer NOT NULL,
  bytes bytea NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);

-- The client-made id is the idempotency key; the primary key makes the database enforce it.
CREATE TABLE submissions (
  id uuid PRIMARY KEY,
  body_hash text NOT NULL,
  kind text NOT NULL,
  service_id text NOT NULL,
  form_id text NOT NULL,
  form_version integer NOT NULL,
  answers jsonb NOT NULL,
  attachments jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL,
  protocol text UNIQUE,
  status text NOT NULL,
  FOREIGN KEY (form_id, form_version) REFERENCES form_versions (form_id, version)
);

CREATE TABLE status_history (
  id serial PRIMARY KEY,
  submission_id uuid NOT NULL REFERENCES submissions (id),
  status text NOT NULL,
  at timestamptz NOT NULL,
  note text
);
CREATE INDEX status_history_submission ON status_history (submission_id, id);

-- One row per year; bumped inside the accepting transaction, so a rollback leaves no gap.
CREATE TABLE protocol_counters (
  year integer PRIMARY KEY,
  last integer NOT NULL
);
