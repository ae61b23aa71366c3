-- File bytes leave the metadata row: on the embedded database they become files beside it (moved out at
-- start-up by file-store.ts), on PostgreSQL they stay in attachment_bytes.
CREATE TABLE attachment_bytes (
  sha256 text PRIMARY KEY REFERENCES attachments (sha256) ON DELETE CASCADE,
  bytes bytea NOT NULL
);
INSERT INTO attachment_bytes (sha256, bytes) SELECT sha256, bytes FROM attachments;
ALTER TABLE attachments DROP COLUMN bytes;

-- Addresses made from a per-device salt plus the bytes. Files stored before salting (plain SHA-256) stay
-- readable by staff but are never confirmed to anyone who asks by address, so no one can learn that a
-- given document was filed.
ALTER TABLE attachments ADD COLUMN salted boolean NOT NULL DEFAULT false;
CREATE INDEX attachments_received_at ON attachments (received_at);

-- Which submission cites which file. The foreign key makes the orphan sweep and an accepting submission
-- unable to both win: a file cited in the same instant cannot be deleted.
CREATE TABLE submission_attachments (
  submission_id uuid NOT NULL REFERENCES submissions (id),
  sha256 text NOT NULL REFERENCES attachments (sha256),
  PRIMARY KEY (submission_id, sha256)
);
CREATE INDEX submission_attachments_sha256 ON submission_attachments (sha256);
INSERT INTO submission_attachments (submission_id, sha256)
  SELECT DISTINCT s.id, a.value ->> 'sha256'
  FROM submissions s, jsonb_array_elements(s.attachments) a
  WHERE EXISTS (SELECT 1 FROM attachments f WHERE f.sha256 = a.value ->> 'sha256');
