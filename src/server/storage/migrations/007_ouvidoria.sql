-- The Ouvidoria's steps for a manifestação: forwarded to the secretariat concerned (which may then read it
-- and answer the Ouvidoria internally), and at most one extension of its 30 days, with a justification.
ALTER TABLE submissions ADD COLUMN forwarded_to text;
ALTER TABLE submissions ADD COLUMN extended boolean NOT NULL DEFAULT false;
CREATE INDEX submissions_forwarded ON submissions (forwarded_to) WHERE forwarded_to IS NOT NULL;
