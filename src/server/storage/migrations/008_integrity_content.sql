-- The Code of Ethics and the Integrity Plan (a document of its own, like the charter: newest id is current),
-- and the controladoria's updates of each plan action.
CREATE TABLE integrity_content_versions (
  id serial PRIMARY KEY,
  version text NOT NULL,
  sha256 text NOT NULL,
  body text NOT NULL,
  installed_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE integrity_plan_updates (
  action_id text PRIMARY KEY,
  status text NOT NULL,
  progress integer NOT NULL,
  note text,
  updated_at timestamptz NOT NULL,
  account_id uuid REFERENCES staff_accounts (id)
);
