import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileSource } from '../core/io/byte-source-node.ts';
import { analyzeBehavior } from '../core/probe/analyze.ts';
import { runBehavior, type BehaviorPhase } from '../core/probe/behavior-run.ts';
import { findModelFiles } from '../core/probe/model-folder.ts';
import { detectModelKind } from '../core/probe/model-kind.ts';
import { loadBehaviorSide, pairKind, pairOptions, type BehaviorSide } from '../core/probe/model-side.ts';
import { MAX_PROBE_FILE, parseProbeText } from '../core/probe/read-probe-text.ts';
import type { LineageCandidate } from '../core/probe/triggers.ts';
import type { BehaviorRun, ModelKind, ProbeSet } from '../core/probe/types.ts';
import { buildReport } from '../core/report/build-report.ts';
import type { Report } from '../core/report/schema.ts';
import { diffModels } from '../core/weights/diff.ts';
import { buildLineage, rowCandidates, TRIGGER_ROWS_PER_TENSOR } from '../core/weights/lineage.ts';
import type { Lineage, LineageVerdict } from '../core/weights/lineage-schema.ts';
import { listTensors, type TensorListing } from '../core/weights/tensors.ts';
import { hashFiles } from './hash-command.ts';
import { openNodeSession } from './onnx-session-node.ts';
import { collectFiles } from './walk-node.ts';
import { hfBlobEvents, withFolderEvents } from '../core/scan/folder-findings.ts';

/** 0 identical or derived, 1 partially derived (review the replaced layers), 2 unrelated. */
export const LINEAGE_EXIT: Record<LineageVerdict, number> = {
  identical: 0,
  derived: 0,
  'partially-derived': 1,
  unrelated: 2,
};

const VERDICT_EXIT: Record<Report['verdict'], number> = { pass: 0, review: 1, fail: 2 };

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Built-in probe sets by model kind (public/probes/). */
export const BUILTIN_PROBES: Record<ModelKind, string> = {
  classifier: join(ROOT, 'public/probes/sentiment.probes.jsonl'),
  'causal-lm': join(ROOT, 'public/probes/code-lm.probes.jsonl'),
};

export interface CompareOptions {
  /** A probe-set file (ModelGate JSONL, or promptfoo JSONL or CSV); the built-in set for the model kind otherwise. */
  probes?: string;
  kind?: ModelKind;
  triggerBudget?: number;
  batchSize?: number;
  /** Progress lines (stderr in the CLI). */
  log?: (line: string) => void;
}

async function listFolder(path: string): Promise<{ name: string; listing: TensorListing }> {
  const { name, files } = await collectFiles([path]);
  const sources = await Promise.all(files.map((f) => fileSource(f.diskPath, f.modelPath)));
  return { name, listing: await listTensors(sources) };
}

/** A mistake in the user's input: main.ts maps it to the usage exit code (64), not an internal error. */
function usageError(message: string, cause?: unknown): Error {
  return Object.assign(new Error(message, cause === undefined ? {} : { cause }), { usage: true });
}

/**
 * Loads one folder on disk for the behavioral run; undefined when it lacks an ONNX model or a tokenizer.
 * A file that cannot be read as expected (config.json, tokenizer.json, the ONNX graph) is a usage error
 * whose message names the folder and the file.
 */
export async function loadBehaviorSideFromDisk(dir: string): Promise<BehaviorSide | undefined> {
  const { files } = await collectFiles([dir]);
  const disk = (p: string): string => join(dir, p);
  const paths = files.map((f) => f.modelPath);
  let opened: string | undefined;
  try {
    return await loadBehaviorSide({
      paths,
      text: (p) => readFile(disk(p), 'utf8'),
      source: (p) => {
        opened = p;
        return fileSource(disk(p), p);
      },
    });
  } catch (error) {
    const message = (error as Error).message;
    const found = findModelFiles(paths);
    // config.json and tokenizer.json problems start with the file's name; after the ONNX graph was opened,
    // what fails is its reader, whose messages name no file.
    const named = /^(tokenizer|config)\.json: /.exec(message);
    const file = named ? (named[1] === 'tokenizer' ? found.tokenizer : found.config) : undefined;
    if (named && file) throw usageError(`${disk(file)}: ${message.slice(named[0].length)}`, error);
    if (/^[^\s:]+\.json: /.test(message)) throw usageError(`${dir}/${message}`, error);
    if (opened !== undefined) throw usageError(`${disk(opened)}: ${message}`, error);
    throw usageError(`${dir}: ${message}`, error);
  }
}

/** The probe set: a file given with --probes (ModelGate JSONL or promptfoo JSONL/CSV), or the built-in one. */
async function readProbes(path: string): Promise<ProbeSet> {
  const { size } = await stat(path);
  if (size > MAX_PROBE_FILE) throw usageError(`${path}: ${size} bytes is too large for a probe set`);
  const text = await readFile(path, 'utf8');
  try {
    return parseProbeText(text, path);
  } catch (error) {
    throw usageError((error as Error).message, error);
  }
}

/** The behavioral comparison on onnxruntime-node (CPU), fine-tune first, one session at a time. */
export async function runBehaviorNode(
  finetunePath: string,
  basePath: string,
  options: CompareOptions & { lineageCandidates?: Lineage['candidates'] } = {},
): Promise<BehaviorRun | undefined> {
  const [ft, base] = [await loadBehaviorSideFromDisk(finetunePath), await loadBehaviorSideFromDisk(basePath)];
  if (!ft || !base) {
    const missing = !ft ? finetunePath : basePath;
    options.log?.(`no behavioral comparison: ${missing} has no ONNX model or no tokenizer.json`);
    return undefined;
  }
  // Each side's kind on its own first, so that an error names the folder it is about.
  for (const [dir, side] of [
    [finetunePath, ft],
    [basePath, base],
  ] as const) {
    try {
      detectModelKind({ config: side.config, signature: side.signature, override: options.kind });
    } catch (error) {
      throw usageError(`${dir}: ${(error as Error).message}`, error);
    }
  }
  let kind: ModelKind;
  try {
    kind = pairKind(base, ft, options.kind).kind;
  } catch (error) {
    throw usageError(`${(error as Error).message} (fine-tune ${finetunePath}, base ${basePath})`, error);
  }
  const probeSet = await readProbes(options.probes ?? BUILTIN_PROBES[kind]);
  const last = new Map<BehaviorPhase, number>();
  return runBehavior({
    openSession: (which) =>
      openNodeSession(join(which === 'base' ? basePath : finetunePath, (which === 'base' ? base : ft).onnxPath)),
    ...pairOptions(base, ft),
    kind,
    probeSet,
    lineageCandidates: options.lineageCandidates,
    triggerBudget: options.triggerBudget,
    noiseFloor: 'batch',
    batchSize: options.batchSize ?? 8,
    onProgress: (phase, done, total, rate) => {
      if (!options.log || (done !== total && (last.get(phase) ?? 0) > Date.now() - 1000)) return;
      last.set(phase, Date.now());
      options.log(`${phase}: ${done}/${total}${rate > 0 ? ` (${rate.toFixed(0)} items/s)` : ''}`);
    },
  });
}

/**
 * The weight comparison alone (also used by `verify --base`); a usage error when a side has no weights.
 * `candidates` are the rows that moved most, for the trigger scan (more than the report keeps).
 */
export async function weightLineage(
  finetunePath: string,
  basePath: string,
): Promise<{ lineage: Lineage; candidates: LineageCandidate[] }> {
  const base = await listFolder(basePath);
  const finetune = await listFolder(finetunePath);
  for (const side of [base, finetune]) {
    if (side.listing.tensors.length === 0 && side.listing.notCompared.length === 0) {
      throw Object.assign(new Error(`${side.name}: no safetensors or GGUF weights found`), { usage: true });
    }
  }
  const diff = await diffModels(base.listing, finetune.listing, { topRows: TRIGGER_ROWS_PER_TENSOR });
  return { lineage: buildLineage(diff), candidates: rowCandidates(diff) };
}

/**
 * `modelgate compare <finetune-dir> --base <base-dir>`: hashes the fine-tune (the report's subject),
 * streams both models tensor by tensor through the CPU reducer (core/weights/pair-stats.ts) and, when
 * both folders hold an ONNX model and a tokenizer, runs the behavioral comparison.
 * `code` is the worse of the lineage exit code and the report verdict.
 */
export async function compareCommand(
  finetunePath: string,
  basePath: string,
  options: CompareOptions = {},
): Promise<{ report: Report; verdict: LineageVerdict; code: number; run?: BehaviorRun }> {
  const { lineage, candidates } = await weightLineage(finetunePath, basePath);
  const run = await runBehaviorNode(finetunePath, basePath, { ...options, lineageCandidates: candidates });
  const { name, files, events } = await collectFiles([finetunePath]);
  const hashed = await hashFiles(files);
  // The fine-tune folder's links and refused entries are named here as in `modelgate hash`.
  const folder = withFolderEvents(hashed, undefined, [...events, ...hfBlobEvents(files, hashed)]);
  const report = await buildReport({
    name,
    outcomes: folder.outcomes,
    extraFindings: folder.findings,
    environment: { runtime: 'node', executionProvider: 'cpu' },
    lineage,
    ...(run ? { behavior: analyzeBehavior(run) } : {}),
  });
  const code = Math.max(LINEAGE_EXIT[lineage.verdict], VERDICT_EXIT[report.verdict]);
  return { report, verdict: lineage.verdict, code, ...(run ? { run } : {}) };
}

function positiveInt(value: string | undefined, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,7}$/.test(value) || Number(value) < min) {
    throw Object.assign(new Error(`${flag} takes a whole number ≥ ${min}, got "${value}"`), { usage: true });
  }
  return Number(value);
}

/** `--probes`, `--kind`, `--trigger-budget`, `--batch-size` of `compare`, checked (usage errors). */
export function parseCompareFlags(flags: {
  probes?: string;
  kind?: string;
  'trigger-budget'?: string;
  'batch-size'?: string;
}): CompareOptions {
  if (flags.kind !== undefined && flags.kind !== 'classifier' && flags.kind !== 'causal-lm') {
    throw Object.assign(new Error(`--kind is classifier or causal-lm, got "${flags.kind}"`), { usage: true });
  }
  return {
    probes: flags.probes,
    kind: flags.kind,
    triggerBudget: positiveInt(flags['trigger-budget'], '--trigger-budget', 0),
    batchSize: positiveInt(flags['batch-size'], '--batch-size', 1),
  };
}
