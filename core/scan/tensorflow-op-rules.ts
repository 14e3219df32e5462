import type { TfMetaGraph, TfNode } from '../formats/tf-graph.ts';
import { tfFinding, type TensorflowCode } from './tensorflow-codes.ts';
import { TF_ATTR_FILE_OPS, TF_OP_RISK, TF_REGISTERED_OPS, type TfOpRisk } from './tensorflow-op-table.ts';
import type { ScanFinding } from './types.ts';

/**
 * Op-by-op rules over a MetaGraph: every node of the graph and of every library function is checked against
 * TensorFlow's op registry (tensorflow-op-table.ts, generated from TensorFlow itself).
 *
 * Checkpoint ops are how TensorFlow saves and restores a model's own variables: the TF1 loader runs the
 * saver_def's restore op with the path it chooses (loader_impl.py restore_variables), and SavedModels carry
 * traced `_traced_save` / `_traced_restore` functions called from the saver's nodes. So a checkpoint op is
 * allowed only where the saver alone reaches it: restore ops in the saver's save or restore part, save ops
 * (SaveV2, MergeV2Checkpoints) only in the save part, which runs when the user saves. Anywhere else, in a
 * serving signature or an exposed function, it writes or reads files at a path the model picks.
 */

export type OpScope = 'save' | 'restore' | 'other';

export interface OpUse {
  node: TfNode;
  /** The library function holding the node; undefined for a graph node. */
  fn?: string;
  scope: OpScope;
}

/** "name:1" and "^name" both refer to node "name". */
function nodeOf(ref: string): string {
  const name = ref.startsWith('^') ? ref.slice(1) : ref;
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(0, colon);
}

/** Graph nodes the given roots depend on, through data and control inputs. */
function ancestors(roots: string[], byName: ReadonlyMap<string, TfNode>): Set<string> {
  const seen = new Set<string>();
  const stack = roots.filter((r) => byName.has(r));
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    for (const input of byName.get(name)?.inputs ?? []) stack.push(nodeOf(input));
  }
  return seen;
}

/** Library functions reachable from `start` through the functions their nodes name. */
function reachable(start: Iterable<string>, calls: ReadonlyMap<string, string[]>): Set<string> {
  const seen = new Set<string>();
  const stack = [...start].filter((f) => calls.has(f));
  while (stack.length > 0) {
    const fn = stack.pop()!;
    if (seen.has(fn)) continue;
    seen.add(fn);
    for (const callee of calls.get(fn) ?? []) if (calls.has(callee)) stack.push(callee);
  }
  return seen;
}

/** Every node of the MetaGraph with the part of the saver (if any) that alone reaches it. */
export function opUses(mg: TfMetaGraph): OpUse[] {
  const { nodes, functions } = mg.graph;
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const calls = new Map(functions.map((f) => [f.name, f.nodes.flatMap((n) => n.funcs)]));
  const restore = ancestors(mg.saver ? [nodeOf(mg.saver.restoreOp)] : [], byName);
  const save = ancestors(mg.saver ? [nodeOf(mg.saver.saveTensor)] : [], byName);
  const graphScope = (n: TfNode): OpScope => (restore.has(n.name) ? 'restore' : save.has(n.name) ? 'save' : 'other');

  const calledFromGraph = new Set(nodes.flatMap((n) => n.funcs));
  const fromScope = (scope: OpScope) => nodes.filter((n) => graphScope(n) === scope).flatMap((n) => n.funcs);
  // Functions no graph node calls are run by the object graph (exposed functions) or nobody: not the saver's.
  const otherRoots = [
    ...fromScope('other'),
    ...mg.exposed,
    ...functions.map((f) => f.name).filter((f) => !calledFromGraph.has(f)),
  ];
  const other = reachable(otherRoots, calls);
  const restoreFns = reachable(fromScope('restore'), calls);
  const saveFns = reachable(fromScope('save'), calls);
  const fnScope = (name: string): OpScope =>
    other.has(name) ? 'other' : restoreFns.has(name) ? 'restore' : saveFns.has(name) ? 'save' : 'other';

  return [
    ...nodes.map((node) => ({ node, scope: graphScope(node) })),
    ...functions.flatMap((f) => f.nodes.map((node) => ({ node, fn: f.name, scope: fnScope(f.name) }))),
  ];
}

const RISK_CODE: Readonly<Record<Exclude<TfOpRisk, 'checkpoint-save' | 'checkpoint-restore'>, TensorflowCode>> = {
  python: 'pythonOp',
  file: 'fileOp',
  network: 'networkOp',
  'asset-read': 'assetRead',
  unfollowed: 'unfollowedCode',
};

/** Why an op's string attribute makes it touch a file, or null. */
export function attrFileAccess(op: string, strings: Readonly<Record<string, string>>): string | null {
  const attr = TF_ATTR_FILE_OPS[op];
  if (attr === undefined) return null;
  const value = strings[attr] ?? '';
  if (op === 'PrintV2') return value.startsWith('file://') ? `prints to '${value}'` : null;
  if (op === 'FixedUnigramCandidateSampler') return value !== '' ? `reads the vocabulary file '${value}'` : null;
  return value !== '' && value !== 'local://' ? `reads the proto descriptors in '${value}'` : null;
}

/** The finding an op use makes, or null when the op stays inside the graph. */
export function opFinding(use: OpUse): { key: TensorflowCode; why: string } | null {
  const { op } = use.node;
  if (!TF_REGISTERED_OPS.has(op)) return { key: 'customOp', why: `is not registered in TensorFlow` };
  const attrAccess = attrFileAccess(op, use.node.strings);
  if (attrAccess) return { key: 'fileOp', why: attrAccess };
  const risk = TF_OP_RISK[op];
  if (risk === undefined) return null;
  if (risk === 'checkpoint-restore') {
    return use.scope === 'other'
      ? { key: 'checkpointOpOutsideSaver', why: 'reads a checkpoint outside the saver' }
      : null;
  }
  if (risk === 'checkpoint-save') {
    if (use.scope === 'save') return null;
    const where = use.scope === 'restore' ? 'in the restore path the loader runs' : 'outside the saver';
    return { key: 'checkpointOpOutsideSaver', why: `writes checkpoint files ${where}` };
  }
  return { key: RISK_CODE[risk], why: riskWords[risk] };
}

const riskWords: Readonly<Record<TfOpRisk, string>> = {
  python: 'calls a Python function of the loading process',
  file: 'reads, writes or lists files',
  network: 'opens network connections',
  'asset-read': 'reads a vocabulary file',
  unfollowed: 'runs embedded code the check does not follow',
  'checkpoint-save': 'writes checkpoint files',
  'checkpoint-restore': 'reads checkpoint files',
};

const MAX_FINDINGS_PER_CODE = 10;

/** Findings of one MetaGraph's op uses, function references and library; at most a few per code. */
export function graphFindings(mg: TfMetaGraph, label: string): ScanFinding[] {
  const findings: ScanFinding[] = [];
  const perCode = new Map<string, number>();
  const add = (f: ScanFinding) => {
    const n = perCode.get(f.code) ?? 0;
    perCode.set(f.code, n + 1);
    if (n < MAX_FINDINGS_PER_CODE) findings.push(f);
  };
  const library = new Set<string>();
  for (const fn of mg.graph.functions) {
    if (library.has(fn.name))
      add(tfFinding('duplicateFunction', `${label}: function '${fn.name}' is defined twice`, { offset: fn.at }));
    library.add(fn.name);
  }
  for (const use of opUses(mg)) {
    const where = `${label}: ${use.fn ? `function '${use.fn}', ` : ''}node '${use.node.name}'`;
    const hit = opFinding(use);
    const evidence = { op: use.node.op, node: use.node.name, function: use.fn, scope: use.scope };
    if (hit) add(tfFinding(hit.key, `${where}: op '${use.node.op}' ${hit.why}`, { offset: use.node.at, evidence }));
    for (const callee of use.node.funcs) {
      if (!library.has(callee)) {
        add(
          tfFinding('undefinedFunction', `${where} calls '${callee}', which the function library does not define`, {
            offset: use.node.at,
            evidence: { ...evidence, callee },
          }),
        );
      }
    }
  }
  return findings;
}
