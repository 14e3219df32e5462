import type { Report } from '../core/report/schema.ts';
import { runVerification } from '../core/verify/index.ts';
import { diskCapabilities, diskSubject } from './node-capabilities.ts';

/** `modelgate hash <path…>`: fingerprints every file; the Report carries the integrity check alone. */
export async function hashCommand(paths: readonly string[]): Promise<Report> {
  const subject = await diskSubject(paths);
  const { report } = await runVerification({ ...diskCapabilities(subject), skip: ['manifest', 'provenance'] });
  return report;
}
