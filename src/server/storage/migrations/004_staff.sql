-- The city's side: staff accounts, sessions, the work queue's columns, internal events and the audit log.

CREATE TABLE staff_accounts (
  id uuid PRIMARY KEY,
  email text NOT NULL UNIQUE,
  name text NOT NULL,
  password_hash text,
  roles text[] NOT NULL,
  secretariats text[] NOT NULL DEFAULT '{}',
  totp_secret text,
  totp_enabled boolean NOT NULL DEFAULT false,
  disabled_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Failed sign-ins per e-mail, known or not (so a lock-out never tells whether an e-mail has an account).
CREATE TABLE staff_login_failures (
  email_hash text PRIMARY KEY,
  failures integer NOT NULL,
  locked_until timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Server-side sessions: the cookie holds a random token, the table only its SHA-256 (a dump opens no session).
CREATE TABLE staff_sessions (
  id text PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES staff_accounts (id),
  csrf_token text NOT NULL,
  second_factor boolean NOT NULL,
  created_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  ended_at timestamptz
);
CREATE INDEX staff_sessions_account ON staff_sessions (account_id) WHERE ended_at IS NULL;

CREATE TABLE staff_password_resets (
  token_hash text PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES staff_accounts (id),
  created_by uuid REFERENCES staff_accounts (id),
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);

-- Where each submission stands in the work queue.
ALTER TABLE submissions ADD COLUMN secretariat_id text;
ALTER TABLE submissions ADD COLUMN due_at timestamptz;
ALTER TABLE submissions ADD COLUMN assigned_to uuid REFERENCES staff_accounts (id);
ALTER TABLE submissions ADD COLUMN closed_at timestamptz;
ALTER TABLE submissions ADD COLUMN district text;
ALTER TABLE submissions ADD COLUMN village text;
UPDATE submissions s SET
  secretariat_id = (
    SELECT service ->> 'secretariatId'
    FROM charter_versions c, jsonb_array_elements((c.body::jsonb) -> 'services') service
    WHERE c.id = (SELECT max(id) FROM charter_versions) AND service ->> 'id' = s.service_id
  ),
  district = (SELECT value ->> 'district' FROM jsonb_each(s.answers) WHERE jsonb_typeof(value) = 'object' AND value ? 'district' LIMIT 1),
  village = (SELECT value ->> 'village' FROM jsonb_each(s.answers) WHERE jsonb_typeof(value) = 'object' AND value ? 'village' LIMIT 1);
UPDATE submissions SET secretariat_id = 'sem-secretaria' WHERE secretariat_id IS NULL;
ALTER TABLE submissions ALTER COLUMN secretariat_id SET NOT NULL;
-- The queue: open first by due date, per secretariat; keyset pagination on (due_at, id).
CREATE INDEX submissions_queue ON submissions (secretariat_id, kind, due_at, id);
CREATE INDEX submissions_status ON submissions (status);
CREATE INDEX submissions_received ON submissions (received_at);
CREATE INDEX submissions_assigned ON submissions (assigned_to) WHERE assigned_to IS NOT NULL;

-- Who wrote each public status event (null: the system or a CLI).
ALTER TABLE status_history ADD COLUMN account_id uuid REFERENCES staff_accounts (id);

-- Internal events the citizen never sees: notes, assignments, transfers (with their reason).
CREATE TABLE staff_events (
  id bigserial PRIMARY KEY,
  submission_id uuid NOT NULL REFERENCES submissions (id),
  at timestamptz NOT NULL,
  account_id uuid REFERENCES staff_accounts (id),
  type text NOT NULL,
  text text
);
CREATE INDEX staff_events_submission ON staff_events (submission_id, id);

-- The citizen's answers to a question, sent from the phone's outbox: the client-made id makes them exactly once.
CREATE TABLE citizen_replies (
  id uuid PRIMARY KEY,
  submission_id uuid NOT NULL REFERENCES submissions (id),
  body_hash text NOT NULL,
  text text NOT NULL,
  created_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL
);
CREATE INDEX citizen_replies_submission ON citizen_replies (submission_id);

CREATE TABLE answer_templates (
  id uuid PRIMARY KEY,
  service_id text NOT NULL,
  title text NOT NULL,
  text text NOT NULL,
  created_by uuid REFERENCES staff_accounts (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX answer_templates_service ON answer_templates (service_id);

-- Every staff action and every view of personal data: append-only (the trigger refuses changes and deletions).
CREATE TABLE staff_audit (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  account_id uuid REFERENCES staff_accounts (id),
  session_id text,
  action text NOT NULL,
  submission_id uuid,
  target text
);
CREATE INDEX staff_audit_at ON staff_audit (at);
CREATE INDEX staff_audit_submission ON staff_audit (submission_id) WHERE submission_id IS NOT NULL;
CREATE FUNCTION staff_audit_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'staff_audit is append-only';
END $$ LANGUAGE plpgsql;
CREATE TRIGGER staff_audit_append_only BEFORE UPDATE OR DELETE ON staff_audit FOR EACH ROW EXECUTE FUNCTION staff_audit_append_only();
