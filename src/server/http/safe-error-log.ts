/** What a log may keep of an unexpected error (app.ts's error handler, background work, a cut CSV export). */
export type ErrorLike = { code?: string; statusCode?: number; name?: string; stack?: string };

/**
 * What may be logged of an unexpected error: its name, code and stack frames, never its message, which
 * can quote input (a database error may cite a value, a parser a piece of the body).
 */
export function safeErrorLog(error: unknown) {
  const { name, code, stack } = (error ?? {}) as ErrorLike;
  return { name, code, frames: stack?.split('\n').map((line) => line.trim()).filter((line) => line.startsWith('at ')).slice(0, 8) };
}
