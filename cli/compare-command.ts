import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileSource } from '../core/io/byte-source-node.ts';
import { runBehavior, type BehaviorPhase } from '../core/probe/behavior-run.ts';
import { findModelFiles, RUNNABLE_FILES } from '../core/probe/model-folder.ts';
import { detectModelKind } from '../core/probe/model-kind.ts';
import {
  loadBehaviorSide,
  pairKind,
  pairOptions,
  type BehaviorSide,
  type FolderReader,
} from '../core/probe/model-side.ts';
import { isAdapterFolder } from '../core/adapters/adapter-folder.ts';
import { compareAdapter } from '../core/adapters/compare-adapter.ts';
import { MAX_PROBE_FILE, parseProbeText } from '../core/probe/read-probe-text.ts';
import type { LineageCandidate } from '../core/probe/triggers.ts';
import type { BehaviorRun, ModelKind, ProbeSet } from '../core/probe/types.ts';
import { runVerification, type VerifyCapabilities } from '../core/verify/index.ts';
import { TokenizerBudgetError } from '../core/probe/tokenizer-engine.ts';
import { BoundedJsonError } from '../core/util/bounded-json.ts';
import { workerTokenizerEngine } from './tokenize-worker-node.ts';
import type { Report } from '../core/report/schema.ts';
import { compareWeights } from '../core/weights/compare-weights.ts';
import type { ByteSource } from '../core/io/byte-source.ts';
import type { Lineage, LineageVerdict } from '../core/weights/lineage-schema.ts';
import { listTensors, type TensorListing } from '../core/weights/tensors.ts';
import { diskCapabilities, diskSubject } from './node-capabilities.ts';
import { openFolderSession } from './onnx-session-node.ts';
import { collectFiles } from './walk-node.ts';

/**
 * 0 identical, a quantization of the base, or derived; 1 partially derived (review the replaced layers) or
 * unverified (nothing could be compared); 2 unrelated.
 */
export const LINEAGE_EXIT: Record<LineageVerdict, number> = {
  identical: 0,
  quantized: 0,
  derived: 0,
  'partially-derived': 1,
  unverified: 1,
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

async function listFolder(path: string): Promise<{ name: string; sources: ByteSource[]; listing: TensorListing }> {
  const { name, files } = await collectFiles([path]);
  const sources = await Promise.all(files.map((f) => fileSource(f.diskPath, f.modelPath)));
  return { name, sources, listing: await listTensors(sources) };
}

/** A mistake in the user's input: main.ts maps it to the usage exit code (64), not an internal error. */
function usageError(message: string, cause?: unknown): Error {
  return Object.assign(new Error(message, cause === undefined ? {} : { cause }), { usage: true });
}

/** A file of a model folder that could not be read as expected: the behavior check's error, naming it. */
function folderFileError(message: string, file: string | undefined, cause: unknown): Error {
  return Object.assign(new Error(message, { cause }), file ? { file } : {});
}

/**
 * Loads one folder on disk for the behavioral run; undefined when it lacks an ONNX model or a tokenizer.
 * A file that cannot be read as expected (config.json, tokenizer.json, the ONNX graph) is not a mistake
 * of the user but a property of the model: the error names the folder and the file, and the pipeline
 * makes it the behavior check's error result, so the report is still written.
 */
export async function loadBehaviorSideFromDisk(dir: string, adapterDir?: string): Promise<BehaviorSide | undefined> {
  const { files } = await collectFiles([dir]);
  const disk = (p: string): string => join(dir, p);
  const paths = files.map((f) => f.modelPath);
  let opened: string | undefined;
  try {
    return await loadBehaviorSide(
      {
        paths,
        text: (p) => readFile(disk(p), 'utf8'),
        source: (p) => {
          opened = p;
          return fileSource(disk(p), p);
        },
        // Untrusted tokenizers run in a worker thread with a time budget (a backtracking regex is ended).
        tokenizerEngine: workerTokenizerEngine({ folder: dir }),
      },
      {},
      adapterDir ? await diskReader(adapterDir) : undefined,
    );
  } catch (error) {
    // The adapter's own problems (unsupported, misfit) are the behavior check's error: "could not verify".
    if (adapterDir && opened === undefined)
      throw folderFileError(`${adapterDir}: ${(error as Error).message}`, undefined, error);
    // A hostile file is not a usage mistake: it becomes the behavior check's error result, naming the file.
    if (error instanceof TokenizerBudgetError) throw error;
    if (error instanceof BoundedJsonError) {
      const cause = error.message.slice(error.file.length + 2);
      throw Object.assign(new Error(`${disk(error.file)}: ${cause}`, { cause: error }), { file: error.file });
    }
    const message = (error as Error).message;
    const found = findModelFiles(paths);
    // config.json and tokenizer.json problems start with the file's name; after the ONNX graph was opened,
    // what fails is its reader, whose messages name no file.
    const named = /^(tokenizer|config)\.json: /.exec(message);
    const file = named ? (named[1] === 'tokenizer' ? found.tokenizer : found.config) : undefined;
    if (named && file) throw folderFileError(`${disk(file)}: ${message.slice(named[0].length)}`, file, error);
    const json = /^([^\s:]+\.json): /.exec(message);
    if (json) throw folderFileError(`${dir}/${message}`, json[1], error);
    if (opened !== undefined) throw folderFileError(`${disk(opened)}: ${message}`, opened, error);
    throw folderFileError(`${dir}: ${message}`, undefined, error);
  }
}

/** A folder on disk as a FolderReader (an adapter folder: its config, weights and tokenizer). */
async function diskReader(dir: string): Promise<FolderReader> {
  const { files } = await collectFiles([dir]);
  return {
    paths: files.map((f) => f.modelPath),
    text: (p) => readFile(join(dir, p), 'utf8'),
    source: (p) => fileSource(join(dir, p), p),
    tokenizerEngine: workerTokenizerEngine({ folder: dir }),
  };
}

/** True when the folder is a PEFT adapter (adapter_config.json and no model of its own). */
async function isAdapterDir(dir: string): Promise<boolean> {
  const { files } = await collectFiles([dir]);
  return isAdapterFolder(files.map((f) => f.modelPath));
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
  // An adapter's side is its base with the adapter merged: run from the base folder's checkpoint.
  const adapter = await isAdapterDir(finetunePath);
  const ftDir = adapter ? basePath : finetunePath;
  const [ft, base] = [
    await loadBehaviorSideFromDisk(ftDir, adapter ? finetunePath : undefined),
    await loadBehaviorSideFromDisk(basePath),
  ];
  if (!ft || !base) {
    const missing = !ft ? finetunePath : basePath;
    options.log?.(`no behavioral comparison: ${missing} has no tokenizer.json or not ${RUNNABLE_FILES}`);
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
  try {
    return await runBehavior({
      openSession: (which) =>
        openFolderSession(which === 'base' ? basePath : ftDir, (which === 'base' ? base : ft).model),
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
  } finally {
    ft.tokenizer.close();
    base.tokenizer.close();
  }
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
  if (await isAdapterDir(finetunePath)) {
    return compareAdapter(await diskReader(finetunePath), base);
  }
  const finetune = await listFolder(finetunePath);
  for (const side of [base, finetune]) {
    if (side.listing.tensors.length === 0 && side.listing.notCompared.length === 0) {
      throw Object.assign(new Error(`${side.name}: no safetensors or GGUF weights found`), { usage: true });
    }
  }
  const { lineage, candidates } = await compareWeights(base.sources, finetune.sources);
  return { lineage, candidates };
}

/** The weight and behavior comparisons with a base folder, as capabilities of a verification. */
export function baseComparison(
  finetunePath: string,
  basePath: string,
  options: CompareOptions,
  weights: 'required' | 'optional',
): Pick<VerifyCapabilities, 'lineage' | 'behavior'> {
  return {
    lineage: async () => {
      try {
        const { lineage, candidates } = await weightLineage(finetunePath, basePath);
        return { lineage, candidates };
      } catch (error) {
        // `verify --base` may name a base for its config and tokenizer only: no weights to compare is a skip.
        if (weights === 'required' || (error as { usage?: boolean }).usage !== true) throw error;
        options.log?.(`no weight comparison: ${(error as Error).message}`);
        return undefined;
      }
    },
    behavior: async (candidates) => {
      const run = await runBehaviorNode(finetunePath, basePath, {
        ...options,
        ...(candidates ? { lineageCandidates: [...candidates] } : {}),
      });
      return run ? { run } : { skipped: 'a folder has no ONNX model or no tokenizer.json' };
    },
  };
}

/**
 * `modelgate compare <finetune-dir> --base <base-dir>`: hashes and scans the fine-tune (the report's subject),
 * streams both models tensor by tensor through the CPU reducer (core/weights/pair-stats.ts) and, when
 * both folders hold an ONNX model and a tokenizer, runs the behavioral comparison.
 * `code` is the worse of the lineage exit code and the report verdict.
 */
export async function compareCommand(
  finetunePath: string,
  basePath: string,
  options: CompareOptions = {},
): Promise<{ report: Report; verdict: LineageVerdict; code: number; run?: BehaviorRun }> {
  const subject = await diskSubject([finetunePath]);
  // The fine-tune is scanned as `verify` scans it: a comparison that passed without the scan would read as
  // "safe to deploy" for a folder nobody checked for code that runs when it is loaded.
  const verification = await runVerification({
    ...diskCapabilities(subject, { scan: true }),
    ...baseComparison(finetunePath, basePath, options, 'required'),
    skip: ['manifest', 'provenance'],
  });
  const { report } = verification;
  const lineage = verification.lineage?.lineage;
  // A weight comparison that broke on a hostile file is an error check: the exit code says "unrelated".
  const lineageExit = lineage ? LINEAGE_EXIT[lineage.verdict] : LINEAGE_EXIT.unrelated;
  const code = Math.max(lineageExit, VERDICT_EXIT[report.verdict]);
  const run = verification.behavior?.run;
  return { report, verdict: lineage?.verdict ?? 'unrelated', code, ...(run ? { run } : {}) };
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
