-- Keys this server made for itself (the VAPID key pair of Web Push), made once and kept.
CREATE TABLE server_keys (
  name text PRIMARY KEY,
  value text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- A phone's push subscription (the browser's push service URL and its encryption keys). It names no person.
CREATE TABLE push_subscriptions (
  endpoint text PRIMARY KEY,
  p256dh text NOT NULL,
  auth text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Which submissions a subscription follows: the phone sends the ids it holds (they are its capabilities).
CREATE TABLE push_targets (
  endpoint text NOT NULL REFERENCES push_subscriptions (endpoint) ON DELETE CASCADE,
  submission_id uuid NOT NULL REFERENCES submissions (id),
  PRIMARY KEY (endpoint, submission_id)
);
CREATE INDEX push_targets_submission ON push_targets (submission_id);
