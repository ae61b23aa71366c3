/**
 * Who is signed in: the answer of GET /api/gestao/session, kept for the whole app. The server decides
 * everything; this only remembers its last answer (the CSRF token, the account and its permissions) so
 * pages show what the role may do.
 */
import { useEffect, useState } from 'preact/hooks';
import { SessionResponseSchema, type Permission, type SessionResponse, type StaffAccount } from '../../shared/contract/staff.ts';
import { ApiFailure, api, apiNoContent, setCsrfToken } from './api.ts';

export type SessionState =
  | { status: 'unknown' }
  | { status: 'signed_out' }
  | { status: 'second_factor'; stage: 'totp' | 'enrol' }
  | { status: 'signed_in'; account: StaffAccount; permissions: readonly Permission[] };

let state: SessionState = { status: 'unknown' };
const listeners = new Set<(next: SessionState) => void>();

function set(next: SessionState): void {
  state = next;
  for (const listener of listeners) listener(next);
}

/** Takes a session answer (sign-in, second factor, GET /session) as the current state. */
export function acceptSession(answer: SessionResponse): SessionState {
  setCsrfToken(answer.csrfToken);
  if (answer.stage === 'signed_in' && answer.account && answer.permissions) {
    set({ status: 'signed_in', account: answer.account, permissions: answer.permissions });
  } else {
    set({ status: 'second_factor', stage: answer.stage === 'totp' ? 'totp' : 'enrol' });
  }
  return state;
}

export function signedOut(): void {
  setCsrfToken('');
  set({ status: 'signed_out' });
}

/** Asks the server who is signed in (on start, and when a page was refused with 401). */
export async function loadSession(): Promise<SessionState> {
  try {
    return acceptSession(await api(SessionResponseSchema, '/api/gestao/session', { quiet401: true }));
  } catch (error) {
    if (error instanceof ApiFailure && error.status === 401) {
      signedOut();
      return state;
    }
    throw error;
  }
}

export async function signOut(): Promise<void> {
  try {
    await apiNoContent('/api/gestao/session', { method: 'DELETE', quiet401: true });
  } finally {
    signedOut();
  }
}

export function useSession(): SessionState {
  const [current, setCurrent] = useState(state);
  useEffect(() => {
    listeners.add(setCurrent);
    setCurrent(state);
    return () => void listeners.delete(setCurrent);
  }, []);
  return current;
}

export function can(session: SessionState, permission: Permission): boolean {
  return session.status === 'signed_in' && session.permissions.includes(permission);
}
