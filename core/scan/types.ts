import type { ByteSource } from '../io/byte-source.ts';
import type { Severity } from '../check/types.ts';

/**
 * Contract between the format readers (core/formats), the scan rules (core/scan) and the router.
 * . Readers parse and bound-check; scanners turn what readers return into ScanFindings.
 */

/** Per-file verdict. */
export type { ScanVerdict } from '../check/types.ts';
import type { ScanVerdict } from '../check/types.ts';

/** Worst first, for combining the verdicts of a file's members: a malicious member makes the file malicious. */
export const VERDICT_ORDER: readonly ScanVerdict[] = ['malicious', 'invalid', 'suspicious', 'unverified', 'benign'];

export function worstVerdict(verdicts: Iterable<ScanVerdict>): ScanVerdict {
  let worst: ScanVerdict = 'benign';
  for (const v of verdicts) if (VERDICT_ORDER.indexOf(v) < VERDICT_ORDER.indexOf(worst)) worst = v;
  return worst;
}

/** One entry of a finding-code catalog. Codes are stable: never renumber or reuse one. */
export interface ScanFinding {
  /** `MG-SCAN-NNN`, from a catalog (see codes ranges in core/scan/README.md). */
  code: string;
  severity: Severity;
  /** Plain language, e.g. "This file would run a shell command when loaded". */
  title: string;
  /** Technical: e.g. "would run: getattr(__import__('os'), 'system')('echo pwned')". */
  detail: string;
  /** Path inside the file, for archive members ("archive/data.pkl", "outer.zip!inner.zip!data.pkl"). */
  member?: string;
  /** Byte offset in the (innermost) stream the finding is about. */
  offset?: number;
  /** CVE / GHSA / paper / issue URL of the technique. */
  reference?: string;
  evidence?: Record<string, unknown>;
}

export interface ScanOutcome {
  /** What the content is, e.g. "pickle", "pytorch-zip", "safetensors", "gguf", "onnx", "zip", "unknown". */
  format: string;
  verdict: ScanVerdict;
  /** Why the verdict is not benign, in one plain sentence (shown in the file table). */
  reason?: string;
  findings: ScanFinding[];
  /**
   * Headerless data files this file describes (TensorFlow `variables.data-*`, OpenVINO `.bin`, …): their
   * loaders read those bytes only as tensor data laid out by this file. Content alone cannot identify such a
   * file, so the folder check vouches for it from here: only when this file is benign and the data file's
   * size is exactly `bytes`.
   */
  describes?: DescribedData[];
}

export interface DescribedData {
  /** Path relative to the folder that holds the describing file, with `/` separators. */
  path: string;
  /** The exact size the data file must have. */
  bytes: number;
  /** What the bytes are, for the report ("tensor data of 12 variables, laid out by variables.index"). */
  what: string;
}

/** Limits that bound every scan, whatever the input. Shared by a whole file's scan. */
export interface ScanBudget {
  /** Max nesting of containers (zip in zip in gzip …). */
  maxDepth: number;
  /** Max bytes produced by decompression, summed over the whole file. */
  maxInflatedBytes: number;
  /** Max pickle opcodes executed, summed over the whole file. */
  maxPickleOps: number;
  /** Max bytes of one in-memory member/stream a reader may materialize. */
  maxMemberBytes: number;
  /** Counters, mutated as the scan goes. */
  used: { inflatedBytes: number; pickleOps: number };
}

export function defaultBudget(): ScanBudget {
  return {
    maxDepth: 8,
    maxInflatedBytes: 4 * 2 ** 30, // not `4 << 30`: JS shifts are 32-bit, that is 0
    // A checkpoint pickle is small (the data.pkl of a 70B-parameter model runs some 20k ops): 4M ops keep a
    // hostile one to a few seconds, and past it the file is "could not verify", never benign.
    maxPickleOps: 4_000_000,
    maxMemberBytes: 512 << 20,
    used: { inflatedBytes: 0, pickleOps: 0 },
  };
}

/** What a reader/scanner gets besides the bytes: the way back into the router for nested content. */
export interface ScanContext {
  /** Nesting level of `source` (0 = the file itself). */
  depth: number;
  budget: ScanBudget;
  /** Path of `source` inside the top file, for findings ("" at top level). */
  memberPath: string;
  /** Sniffs and scans nested content (an archive member, a decompressed stream) with depth + 1. */
  scanNested(source: ByteSource, memberName: string): Promise<ScanOutcome>;
  /** Scans bytes known or believed to be a pickle stream (all stacked pickles, resuming after errors). */
  scanPickle(source: ByteSource, memberName: string): Promise<ScanOutcome>;
}

export type Scanner = (source: ByteSource, ctx: ScanContext) => Promise<ScanOutcome>;
