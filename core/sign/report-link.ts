import { reportForLink } from '../report/link-report.ts';
import type { Report } from '../report/schema.ts';
import { encodeFragment } from './link-codec.ts';
import { signPayload, type SigningKey } from './report-signature.ts';

/** Signs the link form of a report (DSSE over the slim report) and returns `<origin>/r#<fragment>`. */
export async function makeReportLink(report: Report, key: SigningKey, origin: string): Promise<string> {
  const payload = new TextEncoder().encode(JSON.stringify(reportForLink(report)));
  const bundle = await signPayload(payload, key);
  return `${origin}/r#${await encodeFragment(bundle)}`;
}
