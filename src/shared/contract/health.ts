/** GET /api/health, as a client reads it: "ok", or "degraded" with the problems (docs/API.md). */
import * as v from 'valibot';

export const HealthAnswerSchema = v.object({
  status: v.picklist(['ok', 'degraded']),
});
export type HealthAnswer = v.InferOutput<typeof HealthAnswerSchema>;
