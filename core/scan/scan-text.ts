import type { ByteSource } from '../io/byte-source.ts';
import { chatTemplateFindings } from './template-files.ts';
import { REMOTE_CODE_KEYS, remoteCodeFindings } from './remote-code-config.ts';
import { worstVerdict, type ScanFinding, type ScanOutcome, type ScanVerdict } from './types.ts';

/** Text bigger than this is not checked to the end (a 64 MiB tokenizer.json is already unusual). */
const MAX_TEXT_BYTES = 64 << 20;

/**
 * Whether the first bytes look like text: UTF-8 with no NUL and no control characters but tab, LF, CR.
 * Protocol-0 pickles are ASCII too: the router tries the pickle reader before this.
 */
export function looksLikeText(head: Uint8Array): boolean {
  if (head.byteLength === 0) return true;
  for (const b of head) if (b === 0 || (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d)) return false;
  try {
    // The head may end inside a multi-byte character: decode in streaming mode so that is not an error.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * Plain text (config.json, tokenizer.json, a model card) runs nothing when loaded. It is benign only if the
 * whole file is valid text, so a text head on a binary body does not pass, and if no pickle loader would
 * start executing it (the router checks that before it comes here). Chat templates that inference servers
 * render with Jinja are checked on their syntax tree.
 */
export async function scanText(source: ByteSource): Promise<ScanOutcome> {
  const outcome = await validText(source);
  if (outcome.verdict !== 'benign') return outcome;
  const findings = [...(await templateFindings(source)), ...(await configFindings(source))];
  if (findings.length === 0) return outcome;
  const verdict = worstVerdict(findings.map(levelOf));
  const reason = verdict === 'benign' ? undefined : findings.find((f) => levelOf(f) === verdict)?.title;
  return { format: 'text', verdict, ...(reason ? { reason } : {}), findings };
}

/** Configs that name Python code transformers imports at load time (any text file: decided by content). */
async function configFindings(source: ByteSource): Promise<ScanFinding[]> {
  if (!(await mentionsRemoteCode(source))) return [];
  const text = new TextDecoder('utf-8').decode(await source.read(0, source.size));
  return remoteCodeFindings(source.name, text);
}

/**
 * JSON writers escape control characters and (Python's) non-ASCII, never printable ASCII: `"auto\u005fmap"`
 * is written to hide a key from a text search, so such a file is parsed and its decoded keys checked.
 */
const ESCAPED_ASCII = /\\u00[2-7][0-9a-fA-F]/;

/** Streams the file for the config keys that name code, so a big tokenizer.json is not held whole for nothing. */
async function mentionsRemoteCode(source: ByteSource): Promise<boolean> {
  const decoder = new TextDecoder('utf-8');
  let tail = '';
  for await (const chunk of source.stream()) {
    const text = tail + decoder.decode(chunk, { stream: true });
    if (REMOTE_CODE_KEYS.some((k) => text.includes(k)) || ESCAPED_ASCII.test(text)) return true;
    tail = text.slice(-32);
  }
  return false;
}

/** Names of the text files that carry chat templates (the check itself decides per file). */
const TEMPLATE_FILE = /(^|\/)(tokenizer_config\.json|chat_template\.json|[^/]*\.jinja)$/i;

async function templateFindings(source: ByteSource): Promise<ScanFinding[]> {
  if (!TEMPLATE_FILE.test(source.name)) return [];
  const text = new TextDecoder('utf-8').decode(await source.read(0, source.size));
  return chatTemplateFindings(source.name, text);
}

function levelOf(f: ScanFinding): ScanVerdict {
  const level = f.evidence?.level;
  return level === 'malicious' || level === 'suspicious' || level === 'unverified' ? level : 'suspicious';
}

async function validText(source: ByteSource): Promise<ScanOutcome> {
  if (source.size > MAX_TEXT_BYTES) {
    return {
      format: 'text',
      verdict: 'unverified',
      reason: `text file larger than ${MAX_TEXT_BYTES >> 20} MiB was not checked to the end`,
      findings: [],
    };
  }
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of source.stream()) {
      if (!looksLikeTextBytes(chunk)) return notText(source.name);
      decoder.decode(chunk, { stream: true });
    }
    decoder.decode();
  } catch {
    return notText(source.name);
  }
  return { format: 'text', verdict: 'benign', findings: [] };
}

function looksLikeTextBytes(chunk: Uint8Array): boolean {
  for (const b of chunk) if (b === 0 || (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d)) return false;
  return true;
}

function notText(name: string): ScanOutcome {
  return {
    format: 'unknown',
    verdict: 'unverified',
    reason: `${name} starts like text but is not text throughout: its content could not be identified`,
    findings: [],
  };
}
