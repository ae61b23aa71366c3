/** Runs a task after the page has loaded, in idle time (or after `timeout` ms at the latest): work that must not delay first paint. */
export function whenIdle(task: () => void, timeout: number): void {
  const schedule = () => {
    if ('requestIdleCallback' in window) window.requestIdleCallback(() => task(), { timeout });
    else setTimeout(task, Math.min(timeout, 200));
  };
  if (document.readyState === 'complete') schedule();
  else window.addEventListener('load', schedule, { once: true });
}
