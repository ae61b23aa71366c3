/** The follow-up code: how the phone makes it, reads it back from a person, and keeps it on the record. */
import { describe, expect, it } from 'vitest';
import { groupFollowUpCode, normalizeFollowUpCode } from '../../src/shared/contract/request-follow-up.ts';
import { makeFollowUpCode } from '../../src/sync/outbox/follow-up-code.ts';
import { parseContract } from '../../src/shared/contract/parse.ts';
import { SubmissionSchema } from '../../src/shared/contract/submissions.ts';
import { toSubmission } from '../../src/sync/outbox/enqueue.ts';
import { freshDb, queue } from '../support/sync-outbox.ts';

describe('the follow-up code', () => {
  it('is 8 symbols of Crockford base 32, with every symbol used and no I, L, O or U', () => {
    const codes = Array.from({ length: 2000 }, makeFollowUpCode);
    for (const code of codes) expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/);
    expect(new Set(codes).size).toBe(codes.length);
    expect(new Set(codes.join('')).size).toBe(32);
  });

  it('reads what a person typed: case, spaces and hyphens ignored, O as 0 and I or L as 1; anything else is refused', () => {
    expect(normalizeFollowUpCode('k7qm-4xpa')).toBe('K7QM4XPA');
    expect(normalizeFollowUpCode(' K7QM 4XPA ')).toBe('K7QM4XPA');
    expect(normalizeFollowUpCode('oi1l-0000')).toBe('0111' + '0000');
    expect(normalizeFollowUpCode('K7QM4XP')).toBeNull();
    expect(normalizeFollowUpCode('K7QM4XPAA')).toBeNull();
    expect(normalizeFollowUpCode('K7QM4XPU')).toBeNull();
    expect(normalizeFollowUpCode('K7QM4XP!')).toBeNull();
    expect(groupFollowUpCode('K7QM4XPA')).toBe('K7QM-4XPA');
  });

  it('is made when a request or manifestação is queued, kept by its correction, and sent with it', async () => {
    const { db } = freshDb();
    const request = await queue(db);
    expect(request.followUpCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/);
    const body = toSubmission(request);
    expect(body.followUpCode).toBe(request.followUpCode);
    expect(parseContract(SubmissionSchema, body).ok).toBe(true);

    await db.records.update(request.id, { state: 'rejected' });
    const corrected = await queue(db, { id: request.id, answers: { endereco: 'Rua B, 20' } });
    expect(corrected.followUpCode).toBe(request.followUpCode);

    const manifestation = await queue(db, { kind: 'manifestation', serviceId: 'ouvidoria', formId: 'ouvidoria' });
    expect(manifestation.followUpCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/);
    expect(manifestation.followUpCode).not.toBe(request.followUpCode);
  });

  it('is not made for an evaluation, which is not followed', async () => {
    const { db } = freshDb();
    const evaluation = await queue(db, { kind: 'evaluation', serviceId: 'tapa-buraco', formId: 'avaliacao' });
    expect(evaluation.followUpCode).toBeUndefined();
    expect('followUpCode' in toSubmission(evaluation)).toBe(false);
  });
});
