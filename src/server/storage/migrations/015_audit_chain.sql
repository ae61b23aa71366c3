-- The audit log becomes tamper-evident: each entry carries the SHA-256 of the one before (prev_hash) and
-- its own (entry_hash) over a canonical encoding of prev_hash and its fields (src/server/storage/audit-chain.ts
-- recomputes it independently: `npm run audit:verify`). staff_audit_head holds the chain's last entry; every
-- append locks its one row until the transaction ends, so appends from many transactions and many server
-- processes form ONE chain, and ids and times are handed out under that lock, in chain order.

ALTER TABLE staff_audit ADD COLUMN prev_hash bytea, ADD COLUMN entry_hash bytea;

-- One field: '-' for NULL, else its length in UTF-8 bytes, ':' and the text, then a newline. The length
-- makes the encoding unambiguous whatever a field holds.
CREATE FUNCTION staff_audit_field(value text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN value IS NULL THEN '-' ELSE octet_length(convert_to(value, 'UTF8'))::text || ':' || value END || E'\n'
$$;

-- The time enters as microseconds since 1970 (an integer): text forms of a timestamp depend on the session.
CREATE FUNCTION staff_audit_entry_hash(prev bytea, id bigint, at timestamptz, account_id uuid, session_id text, action text, submission_id uuid, target text)
RETURNS bytea LANGUAGE sql IMMUTABLE AS $$
  SELECT sha256(convert_to(
    'staff_audit/1' || E'\n' || encode(prev, 'hex') || E'\n' || id::text || E'\n'
    || ((extract(epoch FROM at) * 1000000)::bigint)::text || E'\n'
    || staff_audit_field(account_id::text) || staff_audit_field(session_id) || staff_audit_field(action)
    || staff_audit_field(submission_id::text) || staff_audit_field(target),
    'UTF8'))
$$;

-- At most one row (singleton is true); it moves only from the append trigger below.
CREATE TABLE staff_audit_head (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  last_id bigint,
  last_hash bytea NOT NULL
);

-- Chain the entries written before this migration, in id order, from 32 zero bytes.
ALTER TABLE staff_audit DISABLE TRIGGER staff_audit_append_only;
DO $$
DECLARE
  entry record;
  prev bytea := decode(repeat('00', 32), 'hex');
  hash bytea;
  last bigint;
BEGIN
  FOR entry IN SELECT * FROM staff_audit ORDER BY id LOOP
    hash := staff_audit_entry_hash(prev, entry.id, entry.at, entry.account_id, entry.session_id, entry.action, entry.submission_id, entry.target);
    UPDATE staff_audit SET prev_hash = prev, entry_hash = hash WHERE id = entry.id;
    prev := hash;
    last := entry.id;
  END LOOP;
  INSERT INTO staff_audit_head (singleton, last_id, last_hash) VALUES (true, last, prev);
END $$;
ALTER TABLE staff_audit ENABLE TRIGGER staff_audit_append_only;
ALTER TABLE staff_audit ALTER COLUMN prev_hash SET NOT NULL, ALTER COLUMN entry_hash SET NOT NULL;

-- The id comes from the append trigger (under the head's lock), not from the column default: a default is
-- taken before the lock, so two transactions could chain in the opposite order of their ids.
ALTER TABLE staff_audit ALTER COLUMN id DROP DEFAULT;

-- BEFORE INSERT: waits for the head's row lock (held by an earlier append until its transaction ends), then
-- sets id, time (clock_timestamp(), so times rise along the chain) and both hashes, and moves the head.
-- Whatever the INSERT gave for these columns is overwritten.
CREATE FUNCTION staff_audit_chain_append() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  prev bytea;
BEGIN
  SELECT last_hash INTO STRICT prev FROM staff_audit_head WHERE singleton FOR UPDATE;
  NEW.id := nextval('staff_audit_id_seq');
  NEW.at := clock_timestamp();
  NEW.prev_hash := prev;
  NEW.entry_hash := staff_audit_entry_hash(prev, NEW.id, NEW.at, NEW.account_id, NEW.session_id, NEW.action, NEW.submission_id, NEW.target);
  UPDATE staff_audit_head SET last_id = NEW.id, last_hash = NEW.entry_hash WHERE singleton;
  RETURN NEW;
END $$;
CREATE TRIGGER staff_audit_chain_append BEFORE INSERT ON staff_audit FOR EACH ROW EXECUTE FUNCTION staff_audit_chain_append();

-- TRUNCATE skips row triggers: a statement trigger refuses it (same message as UPDATE and DELETE).
CREATE TRIGGER staff_audit_no_truncate BEFORE TRUNCATE ON staff_audit FOR EACH STATEMENT EXECUTE FUNCTION staff_audit_append_only();

-- The head changes only from inside the append trigger (trigger depth 2), never by a statement of its own.
CREATE FUNCTION staff_audit_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND pg_trigger_depth() > 1 THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'staff_audit_head moves only with staff_audit';
END $$;
CREATE TRIGGER staff_audit_head_guard BEFORE UPDATE OR DELETE ON staff_audit_head FOR EACH ROW EXECUTE FUNCTION staff_audit_head_guard();
CREATE TRIGGER staff_audit_head_no_truncate BEFORE TRUNCATE ON staff_audit_head FOR EACH STATEMENT EXECUTE FUNCTION staff_audit_head_guard();

-- Privileges: nobody needs UPDATE, DELETE or TRUNCATE on the log. Revoked from everyone and from the role
-- running this migration (a superuser ignores privileges; an owner can grant them back: see docs/SECURITY.md).
REVOKE UPDATE, DELETE, TRUNCATE ON staff_audit FROM PUBLIC;
REVOKE UPDATE, DELETE, TRUNCATE ON staff_audit FROM CURRENT_USER;
REVOKE DELETE, TRUNCATE ON staff_audit_head FROM PUBLIC;
REVOKE DELETE, TRUNCATE ON staff_audit_head FROM CURRENT_USER;
