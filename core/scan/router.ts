import type { ByteSource } from '../io/byte-source.ts';
import { ROUTER_CODES } from './router-codes.ts';
import { looksLikeText, scanText } from './scan-text.ts';
import { pickleStart } from './pickle-start.ts';
import {
  defaultBudget,
  worstVerdict,
  type ScanBudget,
  type ScanContext,
  type ScanFinding,
  type ScanOutcome,
  type Scanner,
} from './types.ts';

/** How many bytes of a file every sniffer sees. */
const HEAD_BYTES = 4096;

/** A format the router can recognise by content and the scanner that checks it. */
export interface FormatHandler {
  format: string;
  /** Decides from content only, never from the file name (technique 1). */
  sniff: (head: Uint8Array, source: ByteSource) => boolean | Promise<boolean>;
  scan: Scanner;
  /** Formats this one contains by construction (a legacy PyTorch file is also a pickle): not a polyglot. */
  includes?: readonly string[];
}

function routerFinding(code: keyof typeof ROUTER_CODES, detail: string, memberPath: string): ScanFinding {
  const { severity, title } = ROUTER_CODES[code];
  return { code, severity, title, detail, ...(memberPath ? { member: memberPath } : {}) };
}

function joinMember(parent: string, name: string): string {
  return parent ? `${parent}!${name}` : name;
}

/**
 * Routes content to every scanner whose sniffer accepts it and combines their outcomes (worst verdict
 * wins). Two unrelated formats accepting the same bytes is a polyglot finding. Anything no scanner
 * accepts, and any scanner failure, is "unverified", never benign.
 */
export function createRouter(handlers: readonly FormatHandler[], scanPickle: Scanner) {
  async function route(source: ByteSource, ctx: ScanContext): Promise<ScanOutcome> {
    if (source.size === 0) return empty(source, ctx);
    const head = await source.read(0, HEAD_BYTES);
    const matched: FormatHandler[] = [];
    for (const h of handlers) if (await safeSniff(h, head, source)) matched.push(h);
    const distinct = matched.filter((h) => !matched.some((o) => o !== h && o.includes?.includes(h.format)));
    const asPickle = await pickleReading(source, head, distinct);
    if (distinct.length === 0 && !asPickle) return unmatched(source, head, ctx);
    const scans = distinct.map((h) => ({ format: h.format, scan: h.scan }));
    if (asPickle && asPickle !== 'unfollowed') scans.push({ format: 'pickle', scan: scanPickle });
    const outcomes = await Promise.all(scans.map((h) => guarded(h.format, h.scan, source, ctx)));
    if (asPickle === 'unfollowed') outcomes.push(unfollowedPickle(source, ctx));
    if (outcomes.length === 1) return outcomes[0]!;
    const formats = scans.map((h) => h.format);
    const polyglot = routerFinding('MG-SCAN-901', `the content is valid as: ${formats.join(', ')}`, ctx.memberPath);
    return combine(formats.join('+'), outcomes, formats.length > 1 ? [polyglot] : []);
  }

  /**
   * Whether a pickle loader would run this content although no pickle scanner took it (fail closed): a
   * loader executes opcodes from the first byte whatever else the bytes are, so every file is checked.
   */
  async function pickleReading(
    source: ByteSource,
    head: Uint8Array,
    distinct: readonly FormatHandler[],
  ): Promise<'runs' | 'unfollowed' | undefined> {
    if (distinct.some((h) => h.format === 'pickle' || h.includes?.includes('pickle'))) return undefined;
    if (distinct.some((h) => h.format === 'zip')) return undefined; // loaders open a ZIP as an archive
    const start = await pickleStart(source, head);
    return start === 'inert' ? undefined : start;
  }

  function unfollowedPickle(source: ByteSource, ctx: ScanContext): ScanOutcome {
    const detail = `${source.name}: a pickle loader would read on past what the check follows`;
    return {
      format: 'pickle',
      verdict: 'unverified',
      reason: 'a pickle loader would read this file further than the scan could follow',
      findings: [routerFinding('MG-SCAN-904', detail, ctx.memberPath)],
    };
  }

  async function unmatched(source: ByteSource, head: Uint8Array, ctx: ScanContext): Promise<ScanOutcome> {
    if (looksLikeText(head)) return scanText(source);
    const finding = routerFinding('MG-SCAN-900', `${source.name}: no format matched its first bytes`, ctx.memberPath);
    return {
      format: 'unknown',
      verdict: 'unverified',
      reason: 'unknown content: could not verify',
      findings: [finding],
    };
  }

  /** Zero bytes match every text sniffer; "clean text" would be a pass for a file that holds nothing. */
  function empty(source: ByteSource, ctx: ScanContext): ScanOutcome {
    const finding = routerFinding('MG-SCAN-905', `${source.name} has 0 bytes`, ctx.memberPath);
    return { format: 'empty', verdict: 'unverified', reason: 'empty file: nothing to check', findings: [finding] };
  }

  function contextFor(depth: number, budget: ScanBudget, memberPath: string): ScanContext {
    const ctx: ScanContext = {
      depth,
      budget,
      memberPath,
      scanNested: (source, name) => nested(source, joinMember(memberPath, name), depth + 1, budget, route),
      scanPickle: (source, name) => nested(source, joinMember(memberPath, name), depth + 1, budget, scanPickle),
    };
    return ctx;
  }

  async function nested(
    source: ByteSource,
    memberPath: string,
    depth: number,
    budget: ScanBudget,
    scanner: Scanner,
  ): Promise<ScanOutcome> {
    if (depth > budget.maxDepth) {
      const finding = routerFinding('MG-SCAN-902', `nesting deeper than ${budget.maxDepth} levels`, memberPath);
      return { format: 'nested', verdict: 'unverified', reason: 'nested too deeply to check', findings: [finding] };
    }
    return guarded('nested', scanner, source, contextFor(depth, budget, memberPath));
  }

  return {
    /** Scans one file. Never throws: failures come back as "unverified" with the reason. */
    scanFile(source: ByteSource, budget: ScanBudget = defaultBudget()): Promise<ScanOutcome> {
      return guarded('file', route, source, contextFor(0, budget, ''));
    },
  };
}

async function safeSniff(h: FormatHandler, head: Uint8Array, source: ByteSource): Promise<boolean> {
  try {
    return await h.sniff(head, source);
  } catch {
    return false;
  }
}

/** Runs a scanner so that its crash becomes a finding, not an exception or a clean result. */
async function guarded(format: string, scanner: Scanner, source: ByteSource, ctx: ScanContext): Promise<ScanOutcome> {
  try {
    return await scanner(source, ctx);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const finding = routerFinding('MG-SCAN-903', `${format} scanner failed: ${message}`, ctx.memberPath);
    return { format, verdict: 'unverified', reason: `the scanner failed: ${message}`, findings: [finding] };
  }
}

/** Worst verdict of the parts; a polyglot (`extra` holds its finding) is at least suspicious. */
function combine(format: string, outcomes: ScanOutcome[], extra: ScanFinding[]): ScanOutcome {
  const floor: ScanOutcome['verdict'][] = extra.length > 0 ? ['suspicious'] : [];
  const verdict = worstVerdict([...floor, ...outcomes.map((o) => o.verdict)]);
  const reason = outcomes.find((o) => o.verdict === verdict)?.reason ?? 'the file is valid as two formats';
  return { format, verdict, reason, findings: [...extra, ...outcomes.flatMap((o) => o.findings)] };
}
