import type { Finding } from '../check/types.ts';
import type { HashOutcome } from '../hash/hash-outcome.ts';
import type { FolderEvent } from '../io/folder-event.ts';
import type { HubFetch } from '../integrity/hub-errors.ts';
import type { Behavior } from '../probe/behavior-schema.ts';
import type { LineageCandidate } from '../probe/triggers.ts';
import type { BehaviorRun, ExecutionProvider } from '../probe/types.ts';
import type { RegistryEntry } from '../registry/schema.ts';
import type { Report } from '../report/schema.ts';
import type { FileScan } from '../scan/scan-check.ts';
import type { OmsResult } from '../sign/oms/result.ts';
import type { Lineage } from '../weights/lineage-schema.ts';

/** The model being verified: its name (the folder's), its files, and what listing the folder met. */
export interface VerifySubject {
  name: string;
  files: readonly { path: string; size: number }[];
  events: readonly FolderEvent[];
}

/** What a signature verification produced, or why it could not be judged. */
export type SignatureOutcome =
  | { kind: 'verified'; result: OmsResult; events?: readonly FolderEvent[] }
  /** A signature is there, but nothing was given to trust it by: a person must check it. */
  | { kind: 'no-trust'; summary: string };

export interface LineageOutcome {
  lineage: Lineage;
  /** The rows that moved most, for the behavioral trigger scan. */
  candidates: LineageCandidate[];
  /** Where the weight comparison ran (the GPU or the CPU), for the report's environment. */
  executionProvider?: ExecutionProvider;
}

export interface BehaviorOutcome {
  run: BehaviorRun;
  /** The analysis, when the runtime already made it (the inference worker does); else the pipeline does. */
  behavior?: Behavior;
}

export type VerifyStep = 'hashing' | 'manifest' | 'signature' | 'provenance' | 'lineage' | 'behavior' | 'registry';

/**
 * What a host (the Verify page, the Compare page, a CLI command) supplies to one verification. The
 * pipeline (run-verification.ts) decides what runs and builds the Report; a host only provides
 * capabilities and displays progress. An absent optional capability is a check that is skipped, and
 * the report says so.
 */
export interface VerifyCapabilities {
  subject: VerifySubject;
  environment: Report['environment'];
  /** Fingerprints every file; `gitSha1` lists the paths whose git blob SHA-1 is needed as well. */
  hash(gitSha1: ReadonlySet<string>): Promise<HashOutcome[]>;
  /** Scans every file for code that would run on load; absent: the scan is skipped. */
  scan?(): Promise<FileScan[]>;
  /** Reads a small text file of the subject (a model card, SHA256SUMS, tokenizer.json). */
  readText(path: string): Promise<string>;
  /** Events known only once files are hashed (a Hugging Face cache blob named by another digest). */
  eventsAfterHashing?(outcomes: readonly HashOutcome[]): FolderEvent[];
  /** A Hugging Face Hub revision to compare digests with. */
  hub?: { repo: string; revision: string; fetch: HubFetch };
  /** Verifies the folder's signature with the hashed digests; absent or undefined: no signature. */
  verifySignature?(outcomes: readonly HashOutcome[]): Promise<SignatureOutcome | undefined>;
  /** The declared base model's files, to compare its config and tokenizer with the card's claim. */
  base?: { files: readonly { path: string; size: number }[]; readText(path: string): Promise<string> };
  /** Compares the weights with the base model; undefined when there is nothing to compare. */
  lineage?(): Promise<LineageOutcome | undefined>;
  /** Runs both models on a probe set; `skipped` says why they cannot run (no ONNX model or tokenizer). */
  behavior?(candidates: readonly LineageCandidate[] | undefined): Promise<BehaviorOutcome | { skipped: string }>;
  /** The latest saved version of a model name, from the registry. */
  savedVersion?(name: string): Promise<RegistryEntry | undefined>;
  /** Signs the report into a link; a failure is shown beside the report, never instead of it. */
  signLink?(report: Report): Promise<string>;
  /** Checks a command leaves out (`modelgate compare` and the Compare page read no manifest or model card). */
  skip?: readonly ('manifest' | 'provenance')[];
  onStep?(step: VerifyStep): void;
  signal?: AbortSignal;
}

/** Findings from drift against a saved behavioral baseline read apart from the base comparison's. */
export function driftFinding(f: Finding): Finding {
  return { ...f, title: `Since the saved version: ${f.title}` };
}
