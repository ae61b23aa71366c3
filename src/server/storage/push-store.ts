import type { Queryable, Storage } from './types.ts';

export type PushSubscriptionRow = {
  endpoint: string;
  p256dh: string;
  auth: string;
};

/** A named secret this server made once (e.g. the VAPID key pair); several processes agree on the first one stored. */
export async function getOrCreateServerKey(db: Queryable, name: string, make: () => string): Promise<string> {
  const existing = await db.query<{ value: string }>('SELECT value FROM server_keys WHERE name = $1', [name]);
  if (existing.rows[0]) return existing.rows[0].value;
  await db.query('INSERT INTO server_keys (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [name, make()]);
  const stored = await db.query<{ value: string }>('SELECT value FROM server_keys WHERE name = $1', [name]);
  return stored.rows[0]!.value;
}

/**
 * Stores a subscription and replaces the submissions it follows with the given ids that exist. Unknown ids
 * are ignored: following needs the id, and an id is a capability only for what it names.
 */
export async function saveSubscription(storage: Storage, subscription: PushSubscriptionRow, submissionIds: readonly string[]): Promise<number> {
  return storage.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO push_subscriptions (endpoint, p256dh, auth) VALUES ($1, $2, $3)
       ON CONFLICT (endpoint) DO UPDATE SET p256dh = EXCLUDED.p256dh, auth = EXCLUDED.auth`,
      [subscription.endpoint, subscription.p256dh, subscription.auth],
    );
    await tx.query('DELETE FROM push_targets WHERE endpoint = $1', [subscription.endpoint]);
    const inserted = await tx.query(
      `INSERT INTO push_targets (endpoint, submission_id)
       SELECT $1, s.id FROM submissions s WHERE s.id = ANY($2::uuid[])`,
      [subscription.endpoint, [...new Set(submissionIds)]],
    );
    return inserted.rowCount;
  });
}

export async function deleteSubscription(db: Queryable, endpoint: string): Promise<void> {
  await db.query('DELETE FROM push_subscriptions WHERE endpoint = $1', [endpoint]);
}

export async function subscriptionsFollowing(db: Queryable, submissionId: string): Promise<PushSubscriptionRow[]> {
  const result = await db.query<PushSubscriptionRow>(
    `SELECT p.endpoint, p.p256dh, p.auth FROM push_subscriptions p JOIN push_targets t ON t.endpoint = p.endpoint
     WHERE t.submission_id = $1`,
    [submissionId],
  );
  return result.rows;
}
