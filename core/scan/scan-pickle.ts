import { memorySource, type ByteSource } from '../io/byte-source.ts';
import { emulate, type EmulationResult } from '../formats/pickle/emulator.ts';
import { HIGHEST_PROTOCOL } from '../formats/pickle/opcodes.ts';
import type { CallValue, PValue } from '../formats/pickle/values.ts';
import { verdictOfFinding } from './finding-verdict.ts';
import { finding, pickleFindings } from './pickle-findings.ts';
import { isContainerResult, judge } from './pickle-rules.ts';
import { constantBytes } from './pickle-bytes.ts';
import { worstVerdict, type ScanContext, type ScanFinding, type ScanOutcome } from './types.ts';

/**
 * Scans a pickle stream: every stacked pickle (PyTorch legacy writes several back to back, technique 9),
 * resuming after an error at the next plausible pickle start (techniques 14, 16), joblib arrays skipped
 * by the emulator, and bytes handed to pickle loaders scanned as nested pickles (technique 30).
 */

const PROTO = 0x80;
/** Resync trials at most, so a multi-GB tail of tensor bytes costs bounded time. */
const MAX_RESYNC_TRIALS = 200_000;
const MAX_PICKLES = 10_000;

/** Opcodes a protocol 0/1 pickle can start with (no PROTO): something that pushes or marks. */
const PROTO01_STARTS = new Set('(NIJKLMFGSTUVXBCPcil]})dgh'.split('').map((c) => c.charCodeAt(0)));

function trialBudget(): { maxPickleOps: number; used: { pickleOps: number } } {
  return { maxPickleOps: 64, used: { pickleOps: 0 } };
}

/** Cheap trial parse for sniffing: the first ops decode and execute, protocol 0/1 included. */
export function looksLikePickle(bytes: Uint8Array): boolean {
  const first = bytes[0];
  if (first === undefined) return false;
  const proto = first === PROTO && (bytes[1] ?? 99) <= HIGHEST_PROTOCOL;
  if (!proto && !PROTO01_STARTS.has(first)) return false;
  const r = emulate(bytes, 0, { budget: trialBudget(), maxNesting: 0 });
  if (r.completed) return r.ops >= 2;
  if (r.budgetExceeded) return true;
  // A sniff window may cut the stream: running out of data after a few good ops still counts.
  const cut = r.error !== undefined && /truncated|without STOP|newline/.test(r.error.message);
  // A PROTO header followed by valid ops is a pickle even if it breaks later: the loader runs everything
  // before the break (technique 16), and a long string may end beyond the sniff window (technique 22).
  if (proto) return cut || r.ops >= 3;
  return r.ops >= 3 && cut;
}

/** Next offset ≥ from where a pickle plausibly starts (PROTO 2..5 whose first ops run); -2 when out of trials. */
function resync(bytes: Uint8Array, from: number, trials: { n: number }): number {
  let pos = from;
  for (;;) {
    pos = bytes.indexOf(PROTO, pos);
    if (pos < 0) return -1;
    const v = bytes[pos + 1] ?? 99;
    if (v >= 2 && v <= HIGHEST_PROTOCOL) {
      // Only trial parses count: decoy PROTO bytes must not buy an attacker a silent stop (fail closed).
      if (trials.n-- <= 0) return -2;
      if (looksLikePickle(bytes.subarray(pos))) return pos;
    }
    pos++;
  }
}

interface StreamScan {
  pickles: EmulationResult[];
  findings: ScanFinding[];
}

function meaningful(r: EmulationResult): boolean {
  return r.completed || r.budgetExceeded || r.globals.length > 0 || r.calls.length > 0;
}

/** Walks the stream from each start: contiguous stacked pickles, then resync past errors and trailing bytes. */
export function scanPickleBytes(bytes: Uint8Array, ctx: Pick<ScanContext, 'budget'>, joblibArrays = true): StreamScan {
  const scan: StreamScan = { pickles: [], findings: [] };
  const walk: Walk = {
    trials: { n: MAX_RESYNC_TRIALS },
    starts: [0],
    visited: new Set(),
    trailingAt: -1,
    joblibArrays,
  };
  while (walk.starts.length > 0 && scan.pickles.length < MAX_PICKLES) {
    const start = walk.starts.shift() as number;
    if (walk.visited.has(start)) continue;
    if (walkFrom(bytes, start, ctx, scan, walk) === 'budget') return scan;
  }
  if (walk.trailingAt > 0) {
    const { trailingAt } = walk;
    scan.findings.push(
      finding('MG-SCAN-024', `${bytes.length - trailingAt} bytes from offset ${trailingAt}`, { offset: trailingAt }),
    );
  }
  const good = scan.pickles.filter(meaningful).length;
  if (good > 1) scan.findings.push(finding('MG-SCAN-025', `${good} pickles scanned`));
  return scan;
}

interface Walk {
  trials: { n: number };
  /** Further starts: where a file-reading loader resumes after a STOP inside a frame. */
  starts: number[];
  visited: Set<number>;
  trailingAt: number;
  joblibArrays: boolean;
}

function walkFrom(
  bytes: Uint8Array,
  from: number,
  ctx: Pick<ScanContext, 'budget'>,
  scan: StreamScan,
  walk: Walk,
): 'budget' | 'done' {
  let pos = from;
  let contiguous = true;
  // Past the first break, every plausible start is tried: a decoy pickle found by the search must not
  // swallow (as a long string) the pickle a loader really reads next, e.g. in raw legacy storage data.
  let chain = true;
  while (pos < bytes.length && scan.pickles.length < MAX_PICKLES && !walk.visited.has(pos)) {
    walk.visited.add(pos);
    const r = emulate(bytes, pos, { budget: ctx.budget, isContainerResult, joblibArrays: walk.joblibArrays });
    if (pos === 0 || meaningful(r)) {
      scan.pickles.push(r);
      for (const f of pickleFindings(r)) scan.findings.push(f);
      if (r.budgetExceeded) return 'budget';
    } else if (contiguous && walk.trailingAt < 0) {
      walk.trailingAt = pos;
    }
    if (r.resumeAt !== undefined && walk.starts.length < MAX_PICKLES) walk.starts.push(r.resumeAt);
    contiguous = r.completed && (pos === 0 || meaningful(r));
    const searchFrom = chain ? Math.max(r.end, pos + 1) : pos + 1;
    const next = contiguous && chain ? r.end : resync(bytes, searchFrom, walk.trials);
    if (!contiguous) chain = false;
    if (next === -2) {
      scan.findings.push(
        finding('MG-SCAN-023', `gave up searching for further pickles at offset ${pos}`, { offset: pos }),
      );
    }
    if (next < 0) break;
    pos = next;
  }
  return 'done';
}

/**
 * What a call finally runs: a `functools.partial` object runs its stored function with its stored
 * arguments first, set either by its constructor or by BUILD (partial.__setstate__ takes
 * (func, args, keywords, dict)).
 */
function effectiveCall(c: CallValue): { callee: PValue; args: readonly PValue[] } {
  const p = c.callee;
  if (p.k !== 'call' || p.callee.k !== 'global' || judge(p.callee).path !== 'functools.partial') return c;
  const state = p.state?.k === 'tuple' ? p.state.items : undefined;
  const func = state?.[0] ?? p.args[0];
  const stored = state ? (state[1]?.k === 'tuple' ? state[1].items : []) : p.args.slice(1);
  return func ? { callee: func, args: [...stored, ...c.args] } : c;
}

/** Bytes passed to loaders that unpickle again, directly or through a partial (technique 30). */
function nestedPayloads(pickles: readonly EmulationResult[]): { call: CallValue; bytes: Uint8Array }[] {
  const out: { call: CallValue; bytes: Uint8Array }[] = [];
  for (const r of pickles) {
    for (const c of r.calls) {
      const { callee, args } = effectiveCall(c);
      if (callee.k !== 'global' || out.length >= 100) continue;
      const j = judge(callee);
      // Bytes handed to a loader (or to any gadget) are what it reads next: scanned, so its imports are known.
      const reentrant = j.allow?.shape === 'load-from-bytes' || j.status === 'deny';
      const bytes = reentrant ? constantBytes(args[0]) : undefined;
      // The router sniffs what the inner loader gets: torch.save output, an .npy, a raw pickle.
      if (bytes) out.push({ call: c, bytes });
    }
  }
  return out;
}

async function scanNestedPayloads(pickles: readonly EmulationResult[], ctx: ScanContext): Promise<ScanFinding[]> {
  const out: ScanFinding[] = [];
  for (const { call, bytes } of nestedPayloads(pickles)) {
    const name = `${ctx.memberPath ? `${ctx.memberPath}!` : ''}@${call.offset}`;
    if (ctx.depth + 1 > ctx.budget.maxDepth) {
      out.push(finding('MG-SCAN-023', `nested pickle at offset ${call.offset} is deeper than ${ctx.budget.maxDepth}`));
      continue;
    }
    const src = memorySource(name, bytes);
    const inner = await ctx.scanNested(src, name);
    for (const f of inner.findings) out.push({ ...f, member: f.member ?? name });
    if (inner.verdict === 'malicious') {
      out.push(
        finding('MG-SCAN-005', `nested pickle at offset ${call.offset} is malicious: ${inner.reason ?? ''}`, {
          offset: call.offset,
          member: name,
          reference: 'https://github.com/mmaitre314/picklescan/issues/25',
        }),
      );
    }
  }
  return out;
}

function verdictOf(findings: readonly ScanFinding[], pickles: readonly EmulationResult[]): ScanOutcome['verdict'] {
  const verdicts = findings.map((f) => verdictOfFinding(f));
  if (!pickles.some((p) => p.completed)) {
    // Nothing loadable: invalid unless something executed before the error (then its findings decide).
    const stopped = pickles.some((p) => p.budgetExceeded);
    verdicts.push(stopped ? 'unverified' : pickles.some(meaningful) ? 'suspicious' : 'invalid');
  }
  return worstVerdict(verdicts);
}

const REASON_ORDER = ['critical', 'high', 'medium', 'low', 'info'];

/** Scans a ByteSource believed to hold pickles (raw, stacked, joblib). Never throws on hostile input. */
export async function scanPickle(source: ByteSource, ctx: ScanContext): Promise<ScanOutcome> {
  const findings: ScanFinding[] = [];
  const size = Math.min(source.size, ctx.budget.maxMemberBytes);
  if (size < source.size) {
    findings.push(finding('MG-SCAN-023', `only the first ${size} of ${source.size} bytes were scanned`));
  }
  const bytes = await source.read(0, size);
  const scan = scanPickleBytes(bytes, ctx);
  findings.push(...scan.findings);
  findings.push(...plainReadingFindings(bytes, scan, ctx));
  if (!scan.pickles.some(meaningful)) findings.push(finding('MG-SCAN-022', describeStart(bytes), { offset: 0 }));
  findings.push(...(await scanNestedPayloads(scan.pickles, ctx)));
  const imports = importsOf(scan.pickles);
  if (imports.length > 0) {
    const listed = imports.map(([module, name]) => `${module}.${name}`).join(', ');
    findings.push(finding('MG-SCAN-027', listed, { evidence: { imports } }));
  }
  const verdict = verdictOf(findings, scan.pickles);
  const worst = [...findings]
    .filter((f) => verdictOfFinding(f) !== 'benign')
    .sort((a, b) => REASON_ORDER.indexOf(a.severity) - REASON_ORDER.indexOf(b.severity))[0];
  const member = ctx.memberPath || undefined;
  return {
    format: scan.pickles.some((p) => p.joblibArrays > 0) ? 'joblib' : 'pickle',
    verdict,
    ...(verdict !== 'benign' && worst ? { reason: worst.title } : {}),
    findings: findings.map((f) => (member && !f.member ? { ...f, member } : f)),
  };
}

/**
 * joblib skips a NumpyArrayWrapper's array bytes; pickle.load and torch.load run them as opcodes. When a
 * stream has such arrays it is read the second way too, and whatever that reading would run is added
 * (its parse errors are not: real array bytes are not opcodes).
 */
function plainReadingFindings(bytes: Uint8Array, joblib: StreamScan, ctx: ScanContext): ScanFinding[] {
  if (!joblib.pickles.some((p) => p.joblibArrays > 0)) return [];
  const plain = scanPickleBytes(bytes, ctx, false);
  const seen = new Set(joblib.findings.map((f) => `${f.code}@${f.offset ?? ''}`));
  return plain.findings.filter((f) => verdictOfFinding(f) === 'malicious' && !seen.has(`${f.code}@${f.offset ?? ''}`));
}

/** Distinct imports, as written in the stream, for the reviewer and for comparison with a real loader's. */
const MAX_LISTED_IMPORTS = 500;

function importsOf(pickles: readonly EmulationResult[]): [string, string][] {
  const seen = new Map<string, [string, string]>();
  for (const r of pickles) {
    for (const g of r.globals) {
      if (seen.size >= MAX_LISTED_IMPORTS) break;
      seen.set(`${g.module}\n${g.name}`, [g.module, g.name]);
    }
  }
  return [...seen.values()];
}

function describeStart(bytes: Uint8Array): string {
  const head = [...bytes.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  return `no pickle instruction stream found (first bytes: ${head || 'none'})`;
}
