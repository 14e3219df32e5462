import type { ByteSource } from '../io/byte-source.ts';
import { readZip, type ZipArchive } from '../formats/zip.ts';
import { catalogFinding } from './format-catalog.ts';
import { PACKAGE_CODES } from './package-codes.ts';
import { scanZip } from './scan-zip.ts';
import { VERDICT_ORDER, worstVerdict, type ScanContext, type ScanOutcome } from './types.ts';

/** Member names shown in the evidence (a llamafile holds a few: the .gguf weights, `.args`, licences). */
const MAX_LISTED = 20;

/**
 * A llamafile (https://github.com/Mozilla-Ocho/llamafile): an Actually Portable Executable whose ZIP tail holds
 * the GGUF weights and the `.args` default arguments. The ZIP and everything in it are scanned as any ZIP (the
 * GGUF validator checks the weights); the program itself is native code this check does not verify, so the
 * file is never benign.
 */
export async function scanLlamafile(source: ByteSource, ctx: ScanContext): Promise<ScanOutcome> {
  const zip = await scanZip(source, ctx);
  const members = await memberNames(source);
  const weights = members.filter((n) => /\.gguf$/i.test(n));
  const detail = `an executable with ${weights.length} GGUF member${weights.length === 1 ? '' : 's'} (${weights.join(', ') || 'none'})`;
  const finding = catalogFinding(PACKAGE_CODES, 'llamafileExecutable', detail, {
    ...(ctx.memberPath ? { member: ctx.memberPath } : {}),
    evidence: { members: members.slice(0, MAX_LISTED), gguf: weights },
  });
  const verdict = worstVerdict([zip.verdict, 'suspicious']);
  const zipWorse = VERDICT_ORDER.indexOf(zip.verdict) < VERDICT_ORDER.indexOf('suspicious');
  const reason = zipWorse && zip.reason ? zip.reason : `llamafile ${detail}: running it runs native code`;
  return { format: 'llamafile', verdict, reason, findings: [finding, ...zip.findings] };
}

async function memberNames(source: ByteSource): Promise<string[]> {
  let archive: ZipArchive;
  try {
    archive = await readZip(source);
  } catch {
    return []; // the ZIP scan above already reported why it cannot be read
  }
  return archive.entries.map((e) => e.name);
}
