/**
 * The Code of Ethics and the Integrity Plan as served: the installed document with each action's latest
 * status and progress from the controladoria. Served like the charter: a strong ETag over the exact bytes,
 * 304 on repeat (the ETag changes when the document or any action changes).
 */
import { readFileSync } from 'node:fs';
import {
  IntegrityContentSchema, type IntegrityContent, type PlanStatus, type ServedIntegrityContent,
} from '../../../shared/contract/integrity-content.ts';
import { parseContract } from '../../../shared/contract/parse.ts';
import { sha256Hex } from '../hashing.ts';
import type { Queryable } from '../../storage/types.ts';

export type ContentFileResult = { ok: true; content: IntegrityContent } | { ok: false; fields: Record<string, string> };

export function readContentFile(file: string): ContentFileResult {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return { ok: false, fields: { '(arquivo)': (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'Arquivo não encontrado.' : 'O arquivo não é um JSON válido.' } };
  }
  const parsed = parseContract(IntegrityContentSchema, json, { maxErrors: Infinity });
  return parsed.ok ? { ok: true, content: parsed.value } : { ok: false, fields: parsed.fields };
}

export async function installContent(db: Queryable, content: IntegrityContent): Promise<{ installed: boolean; version: string }> {
  const body = JSON.stringify(content);
  const sha256 = sha256Hex(body);
  const head = (await db.query<{ sha256: string }>('SELECT sha256 FROM integrity_content_versions ORDER BY id DESC LIMIT 1')).rows[0];
  if (head?.sha256 === sha256) return { installed: false, version: content.version };
  await db.query('INSERT INTO integrity_content_versions (version, sha256, body) VALUES ($1, $2, $3)', [content.version, sha256, body]);
  return { installed: true, version: content.version };
}

export async function hasContent(db: Queryable): Promise<boolean> {
  return (await db.query('SELECT 1 FROM integrity_content_versions LIMIT 1')).rowCount > 0;
}

/** The document as served, with its ETag; null before any is installed. */
export async function servedContent(db: Queryable): Promise<{ body: string; etag: string } | null> {
  const row = (await db.query<{ body: string }>('SELECT body FROM integrity_content_versions ORDER BY id DESC LIMIT 1')).rows[0];
  if (!row) return null;
  const content = JSON.parse(row.body) as IntegrityContent;
  const updates = await db.query<{ action_id: string; status: PlanStatus; progress: number; note: string | null; updated_at: Date }>(
    'SELECT action_id, status, progress, note, updated_at FROM integrity_plan_updates',
  );
  const byAction = new Map(updates.rows.map((u) => [u.action_id, u]));
  const served: ServedIntegrityContent = {
    ...content,
    plan: {
      ...content.plan,
      actions: content.plan.actions.map((action) => {
        const update = byAction.get(action.id);
        return update
          ? { ...action, status: update.status, progress: update.progress, note: update.note, updatedAt: update.updated_at.toISOString() }
          : { ...action, note: null, updatedAt: null };
      }),
    },
  };
  const body = JSON.stringify(served);
  return { body, etag: `"${sha256Hex(body)}"` };
}

export async function updatePlanAction(
  db: Queryable, actionId: string, update: { status: PlanStatus; progress: number; note?: string | undefined }, accountId: string, at = new Date(),
): Promise<boolean> {
  const served = await servedContent(db);
  if (!served || !(JSON.parse(served.body) as ServedIntegrityContent).plan.actions.some((a) => a.id === actionId)) return false;
  await db.query(
    `INSERT INTO integrity_plan_updates (action_id, status, progress, note, updated_at, account_id) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (action_id) DO UPDATE SET status = $2, progress = $3, note = $4, updated_at = $5, account_id = $6`,
    [actionId, update.status, update.progress, update.note ?? null, at, accountId],
  );
  return true;
}
