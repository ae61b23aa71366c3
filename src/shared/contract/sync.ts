/** POST /api/submissions: a batch of submissions and one outcome per item. */
import * as v from 'valibot';
import { ApiErrorSchema, type ApiError } from './errors.ts';
import { ProtocolReceiptSchema, type ProtocolReceipt } from './status.ts';

export const MAX_BATCH = 100;
export const SyncRequestSchema = v.strictObject({
  submissions: v.pipe(v.array(v.unknown()), v.minLength(1, 'O lote está vazio.'), v.maxLength(MAX_BATCH, `No máximo ${MAX_BATCH} envios por lote.`)),
});

/**
 * accepted: stored now; duplicate: stored before under this id with the same body (same receipt);
 * rejected: the answers or the shape are wrong, the person must correct them;
 * conflict: this id was stored with a different body;
 * missing_attachments: a named file has not been uploaded yet; upload it and send again;
 * retry_later: the server failed on this item (nothing was stored); send it again later, unchanged.
 */
type SyncOutcome = 'accepted' | 'duplicate' | 'rejected' | 'conflict' | 'missing_attachments' | 'retry_later';

const SYNC_OUTCOMES = ['accepted', 'duplicate', 'rejected', 'conflict', 'missing_attachments', 'retry_later'] as const satisfies readonly SyncOutcome[];

export interface SyncItemResult {
  /** Null when the item was too malformed to carry an id. */
  id: string | null;
  outcome: SyncOutcome;
  receipt?: ProtocolReceipt;
  error?: ApiError;
}

export interface SyncResponse {
  results: SyncItemResult[];
}

export const SyncResponseSchema = v.object({
  results: v.array(v.object({
    id: v.nullable(v.string()),
    outcome: v.picklist(SYNC_OUTCOMES),
    receipt: v.optional(ProtocolReceiptSchema),
    error: v.optional(ApiErrorSchema),
  })),
});
