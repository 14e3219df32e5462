import type { ByteSource } from '../io/byte-source.ts';
import { opaqueFormat, type OpaqueFormat } from '../formats/opaque-formats.ts';
import { catalogFinding } from './format-catalog.ts';
import { OPAQUE_FORMAT_CODES } from './opaque-format-codes.ts';
import type { ScanContext, ScanFinding, ScanOutcome } from './types.ts';
import { validatorOutcome } from './validator-outcome.ts';

/** How much of an opaque file is searched for command text: its metadata sits near the start. */
const SEARCH_BYTES = 16 << 20;
const WINDOW = 1 << 20;
/** Windows overlap by this much so that a string across a window boundary is still seen whole. */
const OVERLAP = 512;
const MAX_EVIDENCE = 5;

const COMMAND =
  /\b(os\.system|os\.popen|subprocess\.(popen|run|call|check_output)|\/bin\/(ba)?sh\b|powershell(\.exe)?|cmd\.exe|curl\s+(-|https?:)|wget\s+https?:|__import__\(|eval\(|exec\()/i;
const NATIVE = /(dlopen|LoadLibrary|native_user_function|register_native_user_function|\.(so|dll|dylib)\b)/i;

/** Recognised, never benign: the format's own finding, plus any command or native-library text inside. */
export async function scanOpaque(source: ByteSource, ctx: ScanContext): Promise<ScanOutcome> {
  const head = await source.read(0, Math.min(source.size, 4096));
  const format = opaqueFormat(head) ?? 'rknn';
  const findings: ScanFinding[] = [catalogFinding(OPAQUE_FORMAT_CODES, format, describe(format, source))];
  if (format !== 'rar') findings.push(...(await textIndicators(source, format)));
  return validatorOutcome(format, findings, ctx);
}

function describe(format: OpaqueFormat, source: ByteSource): string {
  const what = { rknn: 'an RKNN model', cntk: 'a CNTK model', rar: 'a RAR archive' }[format];
  return `${source.name} is ${what} (${source.size} bytes): recognised by its signature, content not followed`;
}

async function textIndicators(source: ByteSource, format: OpaqueFormat): Promise<ScanFinding[]> {
  const commands: string[] = [];
  const natives: string[] = [];
  for (const text of await printableStrings(source)) {
    if (commands.length < MAX_EVIDENCE && COMMAND.test(text)) commands.push(text.slice(0, 200));
    if (format === 'cntk' && natives.length < MAX_EVIDENCE && NATIVE.test(text)) natives.push(text.slice(0, 200));
  }
  const findings: ScanFinding[] = [];
  if (commands.length > 0)
    findings.push(catalogFinding(OPAQUE_FORMAT_CODES, 'commandText', `text inside: ${commands.join(' | ')}`));
  if (natives.length > 0)
    findings.push(catalogFinding(OPAQUE_FORMAT_CODES, 'nativeLibrary', `names: ${natives.join(' | ')}`));
  return findings;
}

/** Runs of 6+ printable ASCII characters in the first SEARCH_BYTES, as `strings` finds them. */
async function printableStrings(source: ByteSource): Promise<Set<string>> {
  const found = new Set<string>();
  const end = Math.min(source.size, SEARCH_BYTES);
  for (let start = 0; start < end; start += WINDOW) {
    const bytes = await source.read(start, Math.min(WINDOW + OVERLAP, end - start));
    let run = '';
    for (const b of bytes) {
      if (b >= 0x20 && b < 0x7f) {
        run += String.fromCharCode(b);
        continue;
      }
      if (run.length >= 6) found.add(run);
      run = '';
    }
    if (run.length >= 6) found.add(run);
  }
  return found;
}
