import { readOnnxModel } from '../formats/onnx.ts';
import type { ByteSource } from '../io/byte-source.ts';
import { findModelFiles, labelsOf, maxPositions, parseModelConfig, type ModelConfig } from './model-folder.ts';
import { detectModelKind, type KindDecision, type ModelSignature } from './model-kind.ts';
import { onnxTypeName } from './session.ts';
import { ProbeTokenizer } from './tokenizer.ts';
import type { TokenizerEngineFactory } from './tokenizer-engine.ts';
import type { ModelKind } from './types.ts';

/**
 * What the behavioral run needs of one model folder, read the same way by the CLI (files on
 * disk) and the browser worker (dropped Files): the ONNX graph's path and signature, config, labels and
 * tokenizer. The graph is read by the streaming ONNX reader: only its header and value infos, not weights.
 */
export interface BehaviorSide {
  onnxPath: string;
  externalData: string[];
  config?: ModelConfig;
  labels?: string[];
  tokenizer: ProbeTokenizer;
  signature: ModelSignature;
}

export interface FolderReader {
  /** Relative paths of the folder's files. */
  paths: readonly string[];
  text(path: string): Promise<string>;
  source(path: string): Promise<ByteSource>;
  /**
   * Where the folder's tokenizer runs: in process when not given. The CLI passes a worker-thread engine with a
   * time budget (cli/tokenize-worker-node.ts), whose TokenizerBudgetError ends the run as a finding.
   */
  tokenizerEngine?: TokenizerEngineFactory;
}

/** Undefined when the folder lacks an ONNX model or a tokenizer.json (the caller says so). */
export async function loadBehaviorSide(folder: FolderReader): Promise<BehaviorSide | undefined> {
  const found = findModelFiles(folder.paths);
  if (!found.onnx || !found.tokenizer) return undefined;
  const config = found.config ? parseModelConfig(await folder.text(found.config), found.config) : undefined;
  const tokenizer = await ProbeTokenizer.fromJson(
    await folder.text(found.tokenizer),
    found.tokenizerConfig ? await folder.text(found.tokenizerConfig) : undefined,
    {
      maxLength: config ? maxPositions(config) : undefined,
      file: found.tokenizer,
      ...(found.tokenizerConfig ? { configFile: found.tokenizerConfig } : {}),
      ...(folder.tokenizerEngine ? { engine: folder.tokenizerEngine } : {}),
    },
  );
  try {
    const onnx = await readOnnxModel(await folder.source(found.onnx));
    const sig = (list: typeof onnx.inputInfo) =>
      (list ?? []).map((v) => ({ name: v.name, type: onnxTypeName(v.elemType), dims: v.dims }));
    const referenced = onnx.externalData.flatMap((e) => (e.location ? [e.location] : []));
    return {
      onnxPath: found.onnx,
      externalData: findModelFiles(folder.paths, referenced).externalData,
      config,
      labels: config ? labelsOf(config) : undefined,
      tokenizer,
      signature: { inputs: sig(onnx.inputInfo), outputs: sig(onnx.outputInfo) },
    };
  } catch (error) {
    tokenizer.close();
    throw error;
  }
}

/** Both sides must be the same kind of model; the user's override wins for both. */
export function pairKind(base: BehaviorSide, finetune: BehaviorSide, override?: ModelKind): KindDecision {
  const ft = detectModelKind({ config: finetune.config, signature: finetune.signature, override });
  const b = detectModelKind({ config: base.config, signature: base.signature, override });
  if (b.kind !== ft.kind)
    throw new Error(`the base is a ${b.kind}, the fine-tune a ${ft.kind}: they cannot be compared`);
  return ft;
}

/** The part of runBehavior's options that comes from the two folders, the same in the CLI and the worker. */
export function pairOptions(base: BehaviorSide, finetune: BehaviorSide) {
  return {
    baseTokenizer: base.tokenizer,
    finetuneTokenizer: finetune.tokenizer,
    labels: base.labels,
    finetuneLabels: finetune.labels,
    baseVocabSize: base.config?.vocab_size,
    finetuneVocabSize: finetune.config?.vocab_size,
  };
}
