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
import { anyContentVersion, insertContentVersion, latestContentVersion, planUpdates, upsertPlanUpdate } from '../../storage/integrity-content-store.ts';
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
  if ((await latestContentVersion(db))?.sha256 === sha256) return { installed: false, version: content.version };
  await insertContentVersion(db, { version: content.version, sha256, body });
  return { installed: true, version: content.version };
}

export async function hasContent(db: Queryable): Promise<boolean> {
  return anyContentVersion(db);
}

/** The document as served, with its ETag; null before any is installed. */
export async function servedContent(db: Queryable): Promise<{ body: string; etag: string } | null> {
  const latest = await latestContentVersion(db);
  if (!latest) return null;
  const content = JSON.parse(latest.body) as IntegrityContent;
  const byAction = new Map((await planUpdates(db)).map((u) => [u.actionId, u]));
  const served: ServedIntegrityContent = {
    ...content,
    plan: {
      ...content.plan,
      actions: content.plan.actions.map((action) => {
        const update = byAction.get(action.id);
        return update
          ? { ...action, status: update.status, progress: update.progress, note: update.note, updatedAt: update.updatedAt.toISOString() }
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
  await upsertPlanUpdate(db, { actionId, status: update.status, progress: update.progress, note: update.note ?? null, updatedAt: at, accountId });
  return true;
}
