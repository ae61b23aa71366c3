/**
 * The watchdog against real faults, in a real child process (tests/support/watchdog-child.ts): a stuck
 * event loop gets the process killed, a database that never answers makes it exit 70, and a healthy
 * process is left alone.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHILD = 'tests/support/watchdog-child.ts';
const LIMIT_MS = 1000;

interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  stdout: string;
  /** From the child's "ready" line (its misbehaviour begins) to its exit; null if it never got ready. */
  msAfterReady: number | null;
  /** Still running at the deadline (then killed by the test). */
  timedOut: boolean;
}

function runChild(mode: string, deadlineMs: number): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, mode, String(LIMIT_MS)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let readyAt: number | null = null;
    let timedOut = false;
    let deadline: ReturnType<typeof setTimeout> | undefined;
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
      if (readyAt === null && stdout.includes(`ready ${mode}`)) {
        readyAt = performance.now();
        // The deadline counts from the misbehaviour, not from tsx's start-up.
        deadline = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, deadlineMs);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => { stderr += text; });
    // A child that never gets ready is killed too (start-up on a busy machine is slow, but not this slow).
    const startLimit = setTimeout(() => { if (readyAt === null) { timedOut = true; child.kill('SIGKILL'); } }, 30_000);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(deadline);
      clearTimeout(startLimit);
      resolve({ code, signal, stdout, stderr, msAfterReady: readyAt === null ? null : performance.now() - readyAt, timedOut });
    });
  });
}

describe('event-loop and database watchdog (real child process)', () => {
  it('kills a process whose event loop is stuck in a busy loop, within a few seconds, saying why on stderr', async () => {
    const run = await runChild('busy', 10_000);
    expect(run.timedOut, `still running 10 s after blocking its loop; stderr: ${run.stderr}`).toBe(false);
    expect(run.msAfterReady).not.toBeNull();
    // Killed by itself (SIGKILL from its watchdog thread), not exited normally.
    expect(run.signal).toBe('SIGKILL');
    // limit 1 s, checked every 250 ms: ~1.25 s; generous for a loaded machine, far under the 10 s deadline.
    expect(run.msAfterReady!).toBeLessThan(5_000);
    expect(run.stderr).toMatch(/watchdog: the event loop has not answered for \d+ s/);
  }, 45_000);

  it('exits with code 70 when the database never answers, within about twice the limit', async () => {
    const run = await runChild('hung-db', 10_000);
    expect(run.timedOut, `still running 10 s after its database stopped answering; stderr: ${run.stderr}`).toBe(false);
    expect(run.signal).toBeNull();
    expect(run.code).toBe(70);
    // "ready" comes half a limit after the watchdog started, so exit is due ~0.75 s after it; 2× the limit in all.
    expect(run.msAfterReady!).toBeLessThan(2 * LIMIT_MS + 500);
    expect(run.stderr).toMatch(/watchdog: the database has not answered for \d+ s/);
  }, 45_000);

  it('leaves a healthy process alone (the two tests above are not the watchdog firing on everything)', async () => {
    const run = await runChild('healthy', 4 * LIMIT_MS);
    // Killed by the test at the deadline, having outlived four limits.
    expect(run.timedOut).toBe(true);
    expect(run.signal).toBe('SIGKILL');
    expect(run.stderr).not.toMatch(/watchdog/);
  }, 45_000);
});
