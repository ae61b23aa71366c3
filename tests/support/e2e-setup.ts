/**
 * Set up for every e2e file (vitest.config.ts): when a test fails, print what the browser did during it
 * (tests/support/browser-diary.ts), so a failure on CI says why, not only what was not seen.
 */
import { afterEach } from 'vitest';
import { clearDiary, diaryLines } from './browser-diary.ts';

afterEach((context) => {
  if (context.task.result?.state === 'fail' && diaryLines().length > 0) {
    console.error(`What the browser did during "${context.task.name}":\n  ${diaryLines().join('\n  ')}`);
  }
  clearDiary();
});
