import { ReportSchema, type Report } from './schema.ts';

/** Parses untrusted JSON (a link, a CLI file, IndexedDB) into a Report, or says what is wrong. */
export function parseReport(json: unknown): { ok: true; report: Report } | { ok: false; reason: string } {
  const result = ReportSchema.safeParse(json);
  if (result.success) return { ok: true, report: result.data };
  const issue = result.error.issues[0];
  return { ok: false, reason: `not a ModelGate report: ${issue?.path.join('.') || '(root)'}: ${issue?.message}` };
}
