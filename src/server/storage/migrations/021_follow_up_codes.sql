-- The follow-up code of a request (shared/contract/request-follow-up.ts): only its argon2id hash, with a
-- salt of its own, is kept. Requests made before it, or by older apps, have none and are followed only
-- from the phone that made them. The lookup is by protocol (already UNIQUE, so indexed).
ALTER TABLE submissions ADD COLUMN follow_up_hash text;
