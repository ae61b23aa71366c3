-- The controladoria's thresholds for the risk radar: one row per threshold it has changed (the others keep
-- their default in src/shared/radar.ts). Every change is also in the audit log.
CREATE TABLE radar_thresholds (
  name text PRIMARY KEY,
  value numeric NOT NULL,
  updated_at timestamptz NOT NULL,
  account_id uuid REFERENCES staff_accounts (id)
);
