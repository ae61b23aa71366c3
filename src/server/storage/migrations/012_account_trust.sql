-- Trust from the inside (issue 15): two-person grants, sign-in throttling by account and address, known
-- devices, and a second factor that cannot be guessed without end nor replayed.

-- Granting admin, controladoria or ouvidoria: one admin proposes, another decides (approved or refused).
CREATE TABLE staff_role_grants (
  id uuid PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES staff_accounts (id),
  roles text[] NOT NULL,
  secretariats text[] NOT NULL,
  proposed_by uuid NOT NULL REFERENCES staff_accounts (id),
  proposed_at timestamptz NOT NULL DEFAULT now(),
  decided_by uuid REFERENCES staff_accounts (id),
  decided_at timestamptz,
  decision text CHECK (decision IN ('approved', 'refused')),
  CHECK (decided_by IS NULL OR decided_by <> proposed_by OR decision = 'refused')
);
CREATE INDEX staff_role_grants_pending ON staff_role_grants (proposed_at) WHERE decided_at IS NULL;

-- Failed sign-ins per (e-mail hash, client address), within a 15-minute window: the address waits
-- (doubling delays), the account does not. Counted by one INSERT … ON CONFLICT … RETURNING, never read-then-write.
-- Addresses are kept only as SHA-256 of (e-mail hash or account id, address): no table lists staff addresses
-- in clear (a whistleblower's office address included).
CREATE TABLE staff_login_throttle (
  email_hash text NOT NULL,
  address_hash text NOT NULL,
  failures integer NOT NULL,
  window_start timestamptz NOT NULL,
  next_allowed_at timestamptz,
  PRIMARY KEY (email_hash, address_hash)
);
CREATE INDEX staff_login_throttle_recent ON staff_login_throttle (email_hash, window_start);

-- Addresses an account has signed in from all the way (second factor included), and its known devices
-- (a long-lived random cookie, stored only hashed): these pass the throttle and a lock-out.
CREATE TABLE staff_known_addresses (
  account_id uuid NOT NULL REFERENCES staff_accounts (id),
  address_hash text NOT NULL,
  last_at timestamptz NOT NULL,
  PRIMARY KEY (account_id, address_hash)
);
CREATE TABLE staff_known_devices (
  token_hash text PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES staff_accounts (id),
  created_at timestamptz NOT NULL,
  last_at timestamptz NOT NULL
);
CREATE INDEX staff_known_devices_account ON staff_known_devices (account_id);

-- The old per-e-mail lock-out counted any five failures from anywhere: it only serves the sustained-attack
-- lock now (set by the throttle, for unknown addresses and devices only).
DELETE FROM staff_login_failures;

-- The last accepted TOTP time step (a code is never accepted twice), and wrong codes per session.
ALTER TABLE staff_accounts ADD COLUMN totp_last_step bigint NOT NULL DEFAULT 0;
ALTER TABLE staff_sessions ADD COLUMN totp_failures integer NOT NULL DEFAULT 0;
