import { readAdapterFolder } from '../adapters/adapter-folder-reader.ts';
import { readOnnxModel } from '../formats/onnx.ts';
import { loadCheckpointModel, type CheckpointModel } from './checkpoint-model.ts';
import type { GraphBuilderOptions } from '../hf-graph/graph-builder.ts';
import type { ByteSource } from '../io/byte-source.ts';
import { findModelFiles, labelsOf, maxPositions, parseModelConfig, type ModelConfig } from './model-folder.ts';
import { detectModelKind, type KindDecision, type ModelSignature } from './model-kind.ts';
import { onnxTypeName } from './session.ts';
import { ProbeTokenizer } from './tokenizer.ts';
import type { TokenizerEngineFactory } from './tokenizer-engine.ts';
import type { ModelKind } from './types.ts';

/**
 * What the runtime loads: the folder's ONNX export (with its external-data files), or, when there is none, a
 * graph built from config.json over the safetensors checkpoint (core/hf-graph).
 */
export type RunnableModel =
  { format: 'onnx'; onnxPath: string; externalData: string[] } | ({ format: 'checkpoint' } & CheckpointModel);

/**
 * What the behavioral run needs of one model folder, read the same way by the CLI (files on
 * disk) and the browser worker (dropped Files): the model to run and its signature, config, labels and
 * tokenizer. An ONNX graph is read by the streaming ONNX reader: only its header and value infos, not weights.
 */
export interface BehaviorSide {
  model: RunnableModel;
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

/** Undefined when the folder has nothing runnable (RUNNABLE_FILES) or no tokenizer.json (the caller says so). */
export async function loadBehaviorSide(
  folder: FolderReader,
  /** How a graph over a checkpoint is built for this host's runtime (the browser converts BF16). */
  graphOptions: GraphBuilderOptions = {},
  /**
   * A PEFT adapter folder to merge into `folder` (its base): the side is the merged model, run from the base's
   * checkpoint with the targeted tensors merged (core/adapters), and the adapter's tokenizer when it has one.
   */
  adapter?: FolderReader,
): Promise<BehaviorSide | undefined> {
  const found = findModelFiles(folder.paths);
  const reading = adapter ? await readAdapterFolder(adapter) : undefined;
  const ownTokenizer = adapter ? findModelFiles(adapter.paths) : undefined;
  const tokenizerFolder = ownTokenizer?.tokenizer ? adapter! : folder;
  const tokenizerFiles = ownTokenizer?.tokenizer ? ownTokenizer : found;
  if (adapter && !found.config)
    throw new Error(
      'a PEFT adapter is merged into its base’s safetensors checkpoint, and the base folder has no config.json',
    );
  if (!tokenizerFiles.tokenizer || (!found.onnx && !found.config)) return undefined;
  const config = found.config ? parseModelConfig(await folder.text(found.config), found.config) : undefined;
  const checkpoint =
    (!found.onnx || adapter) && found.config && config
      ? await loadCheckpointModel(folder, found.config, config, graphOptions, reading)
      : undefined;
  if (adapter && !checkpoint)
    throw new Error(
      'a PEFT adapter is merged into its base’s safetensors checkpoint, and the base has none (an ONNX export cannot take it)',
    );
  if (!found.onnx && !checkpoint) return undefined;
  const tokenizer = await ProbeTokenizer.fromJson(
    await tokenizerFolder.text(tokenizerFiles.tokenizer),
    tokenizerFiles.tokenizerConfig ? await tokenizerFolder.text(tokenizerFiles.tokenizerConfig) : undefined,
    {
      maxLength: checkpoint ? checkpoint.graph.maxSequence : config ? maxPositions(config) : undefined,
      file: tokenizerFiles.tokenizer,
      ...(tokenizerFiles.tokenizerConfig ? { configFile: tokenizerFiles.tokenizerConfig } : {}),
      ...(tokenizerFolder.tokenizerEngine ? { engine: tokenizerFolder.tokenizerEngine } : {}),
    },
  );
  try {
    if (checkpoint) {
      const kind = checkpoint.graph.architecture.task;
      const ids = (name: string) => ({ name, type: 'int64', dims: ['batch', 'sequence'] });
      return {
        model: { format: 'checkpoint', ...checkpoint },
        config,
        labels: config ? labelsOf(config) : undefined,
        tokenizer,
        signature: {
          inputs: graphInputs(checkpoint).map(ids),
          outputs: [
            {
              name: 'logits',
              type: 'float32',
              dims: kind === 'classifier' ? ['batch', 'labels'] : ['batch', 'sequence', 'vocab'],
            },
          ],
        },
      };
    }
    const onnx = await readOnnxModel(await folder.source(found.onnx!));
    const sig = (list: typeof onnx.inputInfo) =>
      (list ?? []).map((v) => ({ name: v.name, type: onnxTypeName(v.elemType), dims: v.dims }));
    const referenced = onnx.externalData.flatMap((e) => (e.location ? [e.location] : []));
    return {
      model: {
        format: 'onnx',
        onnxPath: found.onnx!,
        externalData: findModelFiles(folder.paths, referenced).externalData,
      },
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

/** The int64 inputs of a built graph, which follow from its family. */
function graphInputs(checkpoint: CheckpointModel): string[] {
  const arch = checkpoint.graph.architecture;
  if (arch.family === 'encoder')
    return ['input_ids', 'attention_mask', ...(arch.typeVocabSize > 0 ? ['token_type_ids'] : [])];
  return ['input_ids', 'attention_mask', 'position_ids'];
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
