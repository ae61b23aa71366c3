-- The integrity channel. Nothing here links a reporter: no IP address, no user agent, no protocol number,
-- times kept to the day, the phone's report id only as a hash, the receipt only as a slow hash, and every
-- content (answers, identity, messages, files) sealed with a key held outside the database.
CREATE TABLE integrity_reports (
  id uuid PRIMARY KEY,
  client_hash text NOT NULL UNIQUE,
  receipt_hash text NOT NULL UNIQUE,
  -- The receipt sealed with the phone's own report id, for a retry whose first answer was lost; cleared after a week.
  receipt_for_retry bytea,
  retry_until date,
  identification text NOT NULL,
  key_id text NOT NULL,
  contents bytea NOT NULL,
  identity bytea,
  received_day date NOT NULL,
  status text NOT NULL,
  read_day date,
  risk_category text,
  linked_secretariats text[] NOT NULL DEFAULT '{}',
  linked_services text[] NOT NULL DEFAULT '{}'
);
CREATE INDEX integrity_reports_day ON integrity_reports (received_day);

CREATE TABLE integrity_messages (
  id uuid PRIMARY KEY,
  report_id uuid NOT NULL REFERENCES integrity_reports (id),
  -- A reporter's message is exactly once by the hash of its phone-made id; the city's have none.
  client_hash text UNIQUE,
  seq integer NOT NULL,
  from_city boolean NOT NULL,
  day date NOT NULL,
  key_id text NOT NULL,
  contents bytea NOT NULL,
  UNIQUE (report_id, seq)
);

CREATE TABLE integrity_files (
  id uuid PRIMARY KEY,
  report_id uuid NOT NULL REFERENCES integrity_reports (id),
  message_id uuid REFERENCES integrity_messages (id),
  field_id text,
  type text NOT NULL,
  size integer NOT NULL,
  key_id text NOT NULL,
  contents bytea NOT NULL
);
CREATE INDEX integrity_files_report ON integrity_files (report_id);
