import { dangerousCallable } from './rules/dangerous-names.ts';
import { judgeGlobal } from './pickle-rules.ts';
import {
  SKOPS_LOSSES,
  SKOPS_NUMPY_DTYPES,
  SKOPS_SKLEARN_ESTIMATORS,
  SKOPS_UFUNCS,
} from './rules/skops-trusted-types.ts';

/**
 * What skops.io.load trusts without `trusted=[…]`, per node loader (skops/io/_general.py, _numpy.py,
 * _sklearn.py: each Node's `self.trusted` default). A loader mapped to `'always'` is safe whatever its type
 * (JsonNode holds JSON text, SliceNode three numbers); an empty set trusts nothing.
 */
const PRIMITIVES = ['builtins.int', 'builtins.float', 'builtins.str', 'builtins.bool'];
const CONTAINERS = ['builtins.list', 'builtins.set', 'builtins.map', 'builtins.tuple'];

export const SKOPS_LOADERS: ReadonlyMap<string, ReadonlySet<string> | 'always'> = new Map<
  string,
  ReadonlySet<string> | 'always'
>([
  ['DictNode', new Set(['builtins.dict', 'collections.OrderedDict'])],
  ['DefaultDictNode', new Set(['collections.defaultdict'])],
  ['ListNode', new Set(['builtins.list'])],
  ['SetNode', new Set(['builtins.set'])],
  ['TupleNode', new Set(['builtins.tuple'])],
  ['BytesNode', new Set(['builtins.bytes'])],
  ['BytearrayNode', new Set(['builtins.bytearray'])],
  ['SliceNode', 'always'],
  ['JsonNode', 'always'],
  ['FunctionNode', SKOPS_UFUNCS],
  ['PartialNode', new Set()],
  ['TypeNode', new Set([...PRIMITIVES, ...CONTAINERS, ...SKOPS_NUMPY_DTYPES])],
  ['ConstructorFromReduceNode', new Set()],
  ['ObjectNode', SKOPS_SKLEARN_ESTIMATORS],
  ['MethodNode', new Set()],
  ['OperatorFuncNode', new Set()],
  ['NdArrayNode', new Set(['numpy.ndarray', ...SKOPS_NUMPY_DTYPES])],
  ['MaskedArrayNode', new Set(['numpy.ma.core.MaskedArray'])],
  ['DTypeNode', new Set()],
  ['RandomStateNode', new Set(['numpy.random.mtrand.RandomState'])],
  ['RandomGeneratorNode', new Set(['numpy.random._generator.Generator'])],
  ['TreeNode', new Set(['sklearn.tree._tree.Tree'])],
  ['LossNode', SKOPS_LOSSES],
]);

export type SkopsJudgement = { level: 'dangerous' | 'untrusted' | 'trusted' | 'unknown-loader'; why: string };

/** Judges one node by its loader, module and class (and, for a method, the method's name). */
export function judgeSkopsNode(loader: string, module: string, cls: string, method?: string): SkopsJudgement {
  const type = `${module}.${cls}`;
  // operator.attrgetter / methodcaller / itemgetter resolve attributes or items by name once built (the
  // gadget of CVE-2025-54412 for OperatorFuncNode, CVE-2025-54413 for MethodNode): the pickle denylist's
  // resolver family holds them, so the same judgement refuses them here.
  const denied = judgeGlobal(module, cls);
  if (denied.status === 'deny') return { level: 'dangerous', why: `${type} (${denied.deny?.family ?? 'denied'})` };
  if (method !== undefined) {
    const path = `${type}.${method}`;
    const call = judgeGlobal(module, `${cls}.${method}`);
    if (call.status === 'deny' || dangerousCallable(path, method)) {
      return { level: 'dangerous', why: `method ${path}` };
    }
  }
  const trusted = SKOPS_LOADERS.get(loader);
  if (trusted === undefined) return { level: 'unknown-loader', why: `loader ${loader} for ${type}` };
  if (trusted === 'always' || trusted.has(type)) return { level: 'trusted', why: type };
  return { level: 'untrusted', why: method === undefined ? type : `${type}.${method}` };
}
