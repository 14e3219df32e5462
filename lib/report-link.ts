import { encodeFragment } from '@/core/sign/link-codec';
import { signPayload } from '@/core/sign/report-signature';
import { reportForLink } from '@/core/report/link-report';
import type { Report } from '@/core/report/schema';
import type { BrowserKey } from './browser-key';

/** Signs the link form of a report with this browser's key and returns `<origin>/r#<fragment>`. */
export async function makeReportLink(report: Report, key: BrowserKey, origin: string): Promise<string> {
  const payload = new TextEncoder().encode(JSON.stringify(reportForLink(report)));
  const bundle = await signPayload(payload, key);
  return `${origin}/r#${await encodeFragment(bundle)}`;
}
