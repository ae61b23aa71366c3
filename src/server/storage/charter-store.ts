import type { Charter } from '../../shared/contract/charter.ts';
import type { FormDefinition } from '../../shared/contract/forms.ts';
import { canonicalJson, sha256Hex } from '../domain/hashing.ts';
import type { Queryable, Storage } from './types.ts';

/** A form id + version already stored with a different definition: versions are immutable. */
export class FormVersionConflictError extends Error {
  constructor(readonly conflicts: readonly { formId: string; version: number }[]) {
    super(`Form version(s) already installed with a different definition: ${conflicts.map((c) => `${c.formId} v${c.version}`).join(', ')}. Give the changed form a new version number.`);
    this.name = 'FormVersionConflictError';
  }
}

export interface InstalledCharter {
  id: number;
  version: string;
  sha256: string;
  /** False when the same bytes were already the current charter (nothing was added). */
  installed: boolean;
  newFormVersions: number;
}

export interface CharterHead {
  id: number;
  sha256: string;
}

export interface CharterRecord extends CharterHead {
  version: string;
  body: string;
}

/** Installs a validated charter as the new current version, with its form versions, in one transaction. */
/** `alsoInTransaction` (the back office's audit entry) commits with the charter or not at all. */
export async function installCharter(storage: Storage, charter: Charter, alsoInTransaction?: (tx: Queryable) => Promise<void>): Promise<InstalledCharter> {
  const body = JSON.stringify(charter);
  const sha256 = sha256Hex(body);
  return storage.transaction(async (tx) => {
    let newFormVersions = 0;
    const conflicts: { formId: string; version: number }[] = [];
    for (const form of charter.forms) {
      const definitionJson = canonicalJson(form);
      const formHash = sha256Hex(definitionJson);
      const inserted = await tx.query(
        `INSERT INTO form_versions (form_id, version, kind, sha256, definition) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (form_id, version) DO NOTHING RETURNING form_id`,
        [form.id, form.version, form.kind, formHash, definitionJson],
      );
      if (inserted.rowCount > 0) { newFormVersions++; continue; }
      const stored = await tx.query<{ sha256: string }>('SELECT sha256 FROM form_versions WHERE form_id = $1 AND version = $2', [form.id, form.version]);
      if (stored.rows[0]?.sha256 !== formHash) conflicts.push({ formId: form.id, version: form.version });
    }
    if (conflicts.length) throw new FormVersionConflictError(conflicts);
    await alsoInTransaction?.(tx);
    const head = await currentCharterHead(tx);
    if (head?.sha256 === sha256) return { id: head.id, version: charter.version, sha256, installed: false, newFormVersions };
    const row = await tx.query<{ id: number }>(
      'INSERT INTO charter_versions (version, sha256, body) VALUES ($1, $2, $3) RETURNING id',
      [charter.version, sha256, body],
    );
    return { id: row.rows[0]!.id, version: charter.version, sha256, installed: true, newFormVersions };
  });
}

export async function currentCharterHead(db: Queryable): Promise<CharterHead | null> {
  const result = await db.query<{ id: number; sha256: string }>('SELECT id, sha256 FROM charter_versions ORDER BY id DESC LIMIT 1');
  return result.rows[0] ?? null;
}

export async function loadCharter(db: Queryable, id: number): Promise<CharterRecord | null> {
  const result = await db.query<{ id: number; sha256: string; version: string; body: string }>(
    'SELECT id, sha256, version, body FROM charter_versions WHERE id = $1',
    [id],
  );
  return result.rows[0] ?? null;
}

export async function findFormVersion(db: Queryable, formId: string, version: number): Promise<FormDefinition | null> {
  const result = await db.query<{ definition: FormDefinition }>(
    'SELECT definition FROM form_versions WHERE form_id = $1 AND version = $2',
    [formId, version],
  );
  return result.rows[0]?.definition ?? null;
}
