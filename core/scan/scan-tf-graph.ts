import type { ByteSource } from '../io/byte-source.ts';
import { FormatError } from '../formats/format-error.ts';
import {
  LimitError,
  readTfGraphFile,
  type TfGraphFile,
  type TfGraphKind,
  type TfMetaGraph,
} from '../formats/tf-graph.ts';
import { externalLocationProblem } from './scan-onnx.ts';
import { tfFinding } from './tensorflow-codes.ts';
import { graphFindings } from './tensorflow-op-rules.ts';
import type { ScanContext, ScanFinding, ScanOutcome, Scanner } from './types.ts';
import { validatorOutcome } from './validator-outcome.ts';

/**
 * TensorFlow graph files: a SavedModel's `saved_model.pb`, a MetaGraphDef (`.meta`) or a frozen GraphDef
 * (`.pb`). Every op of the graph and of its function library goes through tensorflow-op-rules.ts; assets must
 * stay in the SavedModel's assets/ folder; an inventory is always returned.
 */

export const GRAPH_FORMATS: Readonly<Record<TfGraphKind, string>> = {
  savedmodel: 'tf-savedmodel',
  metagraph: 'tf-metagraph',
  graphdef: 'tf-graphdef',
};

export function tfGraphScanner(kind: TfGraphKind): Scanner {
  return async (source: ByteSource, ctx: ScanContext): Promise<ScanOutcome> => {
    const format = GRAPH_FORMATS[kind];
    let file: TfGraphFile;
    try {
      file = await readTfGraphFile(source, kind);
    } catch (e) {
      if (e instanceof LimitError) return validatorOutcome(format, [tfFinding('beyondBudget', e.message)], ctx);
      if (!(e instanceof FormatError)) throw e;
      return validatorOutcome(format, [tfFinding('malformed', e.message, { offset: e.offset })], ctx);
    }
    return validatorOutcome(format, tfGraphFindings(file), ctx);
  };
}

export function tfGraphFindings(file: TfGraphFile): ScanFinding[] {
  if (file.metaGraphs.length === 0) return [tfFinding('noGraph', 'the SavedModel holds no MetaGraphDef')];
  const findings = file.metaGraphs.flatMap((mg, i) => {
    const label = file.kind === 'graphdef' ? 'graph' : `meta graph ${i} [${mg.tags.join(', ')}]`;
    return [...graphFindings(mg, label), ...assetFindings(mg, label)];
  });
  return [...findings, inventory(file)];
}

function assetFindings(mg: TfMetaGraph, label: string): ScanFinding[] {
  return mg.assets.flatMap(({ filename, at }) => {
    const problem = filename === '' ? 'is empty' : externalLocationProblem(filename);
    if (!problem) return [];
    return [
      tfFinding('assetEscapes', `${label}: asset '${filename}' ${problem}`, { offset: at, evidence: { filename } }),
    ];
  });
}

function inventory(file: TfGraphFile): ScanFinding {
  const graphs = file.metaGraphs.map((mg) => {
    const ops = new Map<string, number>();
    for (const n of [...mg.graph.nodes, ...mg.graph.functions.flatMap((f) => f.nodes)])
      ops.set(n.op, (ops.get(n.op) ?? 0) + 1);
    return {
      tags: mg.tags,
      tensorflowVersion: mg.tfVersion,
      signatures: mg.signatures.slice(0, 50),
      nodes: mg.graph.nodes.length,
      functions: mg.graph.functions.length,
      ops: [...ops.keys()].sort().slice(0, 200),
      saver: mg.saver !== undefined,
      assets: mg.assets.slice(0, 50).map((a) => a.filename),
    };
  });
  const nodes = graphs.reduce((n, g) => n + g.nodes, 0);
  const functions = graphs.reduce((n, g) => n + g.functions, 0);
  return tfFinding(
    'graphInventory',
    `${file.metaGraphs.length} graph(s), ${nodes} nodes, ${functions} library functions`,
    { evidence: { kind: file.kind, graphs: graphs.slice(0, 8) } },
  );
}
