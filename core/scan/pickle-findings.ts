import type { Anomaly, EmulationResult } from '../formats/pickle/emulator.ts';
import { render } from '../formats/pickle/render.ts';
import type { CallValue, GlobalValue, PValue } from '../formats/pickle/values.ts';
import { PICKLE_CODES, type PickleCode } from './pickle-codes.ts';
import { isContainerResult, judge, shapeProblem, type GlobalJudgement } from './pickle-rules.ts';
import type { GadgetFamily } from './rules/pickle-denylist.ts';
import type { ScanFinding } from './types.ts';

/** Turns one emulated pickle into findings: gadgets, unknown imports, odd calls, stream anomalies. */

const FAMILY_CODES: Record<GadgetFamily, PickleCode> = {
  exec: 'MG-SCAN-001',
  resolver: 'MG-SCAN-002',
  file: 'MG-SCAN-003',
  network: 'MG-SCAN-004',
  'nested-pickle': 'MG-SCAN-005',
  'ml-gadget': 'MG-SCAN-006',
  'side-effect': 'MG-SCAN-008',
};

export function finding(
  code: PickleCode,
  detail: string,
  extra: Omit<ScanFinding, 'code' | 'severity' | 'title' | 'detail'> = {},
): ScanFinding {
  const info = PICKLE_CODES[code];
  return { code, severity: info.severity, title: info.title, detail, ...extra };
}

/** Whether `target` is reachable from `v` (callee chain and arguments), within a node budget. */
function reaches(v: PValue, target: PValue, budget: { n: number }): boolean {
  const todo: PValue[] = [v];
  while (todo.length > 0) {
    const x = todo.pop() as PValue;
    if (x === target) return true;
    if (--budget.n < 0) return false;
    if (x.k === 'call') todo.push(x.callee, ...x.args, ...(x.kwargs ? [x.kwargs] : []));
    else if (x.k === 'tuple' || x.k === 'list' || x.k === 'set') todo.push(...x.items.slice(0, 64));
    else if (x.k === 'dict') todo.push(...x.entries.slice(0, 64).flat());
  }
  return false;
}

/** The outermost recorded call that uses `g`, rendered as what the loader would run. */
function wouldRun(g: GlobalValue, calls: readonly CallValue[], budget: { n: number }): string {
  for (let i = calls.length - 1; i >= 0 && budget.n > 0; i--) {
    const c = calls[i] as CallValue;
    if (c.offset >= g.offset && reaches(c, g, budget)) return `would run: ${render(c)}`;
  }
  return `imports ${render(g)}`;
}

function denyFinding(g: GlobalValue, j: GlobalJudgement, r: EmulationResult, budget: { n: number }): ScanFinding {
  const code = j.dunder && !j.deny ? 'MG-SCAN-007' : FAMILY_CODES[j.deny?.family ?? 'exec'];
  const technique = j.deny?.technique ?? 29;
  return finding(code, `${wouldRun(g, r.calls, budget)} (${g.opcode} ${j.path} at offset ${g.offset})`, {
    offset: g.offset,
    reference: j.deny?.source ?? 'https://github.com/protectai/modelscan/issues/330',
    evidence: { global: j.path, opcode: g.opcode, technique, ...(j.dunder ? { dunder: j.dunder } : {}) },
  });
}

function globalFindings(r: EmulationResult): ScanFinding[] {
  const out: ScanFinding[] = [];
  const unknown = new Map<string, { g: GlobalValue; count: number }>();
  const budget = { n: 2_000_000 };
  const seenDeny = new Set<string>();
  for (const g of r.globals) {
    const j = judge(g);
    if (j.status === 'deny' && seenDeny.size < 50 && !seenDeny.has(`${j.path}@${g.offset}`)) {
      seenDeny.add(`${j.path}@${g.offset}`);
      out.push(denyFinding(g, j, r, budget));
    } else if (j.status === 'unknown') {
      const u = unknown.get(j.path);
      if (u) u.count++;
      else unknown.set(j.path, { g, count: 1 });
    }
  }
  for (const [path, { g, count }] of unknown) {
    out.push(
      finding(
        'MG-SCAN-010',
        `imports ${path} (${g.opcode} at offset ${g.offset}${count > 1 ? `, ${count} times` : ''})`,
        {
          offset: g.offset,
          reference: 'https://github.com/mmaitre314/picklescan/issues/73',
          evidence: { global: path, technique: 32 },
        },
      ),
    );
  }
  return out;
}

function callFinding(c: CallValue): ScanFinding | undefined {
  const at = { offset: c.offset, evidence: { opcode: c.kind } as Record<string, unknown> };
  if (c.kind === 'SETITEM' || c.kind === 'APPEND' || c.kind === 'ADDITEMS') {
    if (isContainerResult(c.callee)) return undefined;
    return finding('MG-SCAN-015', `would run: ${render(c)} (${c.kind} at offset ${c.offset})`, {
      ...at,
      reference: 'https://github.com/advisories/GHSA-63cw-57p8-fm3p',
    });
  }
  if (c.kind === 'BUILD-setstate') {
    return finding(
      'MG-SCAN-014',
      `would run: ${render(c)} (BUILD calls a planted __setstate__ at offset ${c.offset})`,
      {
        ...at,
        reference: 'https://huggingface.co/docs/hub/security-pickle',
      },
    );
  }
  if (c.callee.k === 'global') {
    const j = judge(c.callee);
    const problem = j.allow ? shapeProblem(j.allow, c) : undefined;
    if (!problem) return undefined;
    return finding('MG-SCAN-011', `${j.path}: ${problem}: ${render(c)} (offset ${c.offset})`, {
      ...at,
      reference: 'https://github.com/advisories/GHSA-53q9-r3pm-6pq6',
    });
  }
  return finding('MG-SCAN-012', `would run: ${render(c)} (${c.kind} at offset ${c.offset})`, {
    ...at,
    reference: 'https://arxiv.org/abs/2508.19774',
  });
}

const ANOMALY_CODES: Record<Anomaly['kind'], [PickleCode, string] | undefined> = {
  frame: ['MG-SCAN-020', 'https://github.com/python/cpython/issues/154848'],
  ext: ['MG-SCAN-016', 'https://docs.python.org/3/library/pickletools.html'],
  'out-of-band-buffer': ['MG-SCAN-017', 'https://peps.python.org/pep-0574/'],
  'build-on-global': ['MG-SCAN-013', 'https://github.com/protectai/modelscan/issues/330'],
  'dunder-state': ['MG-SCAN-014', 'https://huggingface.co/docs/hub/security-pickle'],
  'method-hijack': ['MG-SCAN-029', 'https://docs.python.org/3/library/pickle.html#pickling-class-instances'],
  limit: ['MG-SCAN-023', 'https://github.com/trailofbits/fickling'],
  joblib: ['MG-SCAN-026', 'https://github.com/joblib/joblib/blob/main/joblib/numpy_pickle.py'],
  'memo-overwrite': undefined,
  'mark-leftover': undefined,
};

function anomalyFindings(r: EmulationResult): ScanFinding[] {
  const out: ScanFinding[] = [];
  const seen = new Set<string>();
  for (const a of r.anomalies) {
    const mapped = ANOMALY_CODES[a.kind];
    if (!mapped || seen.has(`${a.kind}:${a.message}`) || seen.size > 50) continue;
    seen.add(`${a.kind}:${a.message}`);
    out.push(finding(mapped[0], `${a.message} (offset ${a.offset})`, { offset: a.offset, reference: mapped[1] }));
  }
  return out;
}

/**
 * joblib's multi-file format (joblib < 0.10, still read by joblib.load): an NDArrayWrapper / ZNDArrayWrapper
 * names a file that read_array opens next to the pickle with np.load(allow_pickle=True) or its zlib reader
 * (joblib/numpy_pickle_compat.py). A name with a directory part or `..` escapes the folder.
 */
const FILE_WRAPPERS = new Set(['NDArrayWrapper', 'ZNDArrayWrapper']);
const JOBLIB_MODULES = new Set([
  'joblib.numpy_pickle',
  'joblib.numpy_pickle_compat',
  'sklearn.externals.joblib.numpy_pickle',
  'sklearn.externals.joblib.numpy_pickle_compat',
]);

function wrapperClass(c: CallValue): GlobalValue | undefined {
  // Rebuilt directly (NEWOBJ/REDUCE) or through copyreg._reconstructor(cls, object, None).
  const cls = c.callee.k === 'global' && c.callee.name === '_reconstructor' ? c.args[0] : c.callee;
  return cls?.k === 'global' && FILE_WRAPPERS.has(cls.name) && JOBLIB_MODULES.has(cls.module) ? cls : undefined;
}

function fileArgumentFindings(r: EmulationResult): ScanFinding[] {
  const out: ScanFinding[] = [];
  for (const c of r.calls) {
    const cls = wrapperClass(c);
    if (!cls || out.length >= 50) continue;
    const file =
      c.state?.k === 'dict' ? c.state.entries.find(([k]) => k.k === 'str' && k.v === 'filename')?.[1] : undefined;
    const name = file?.k === 'str' ? file.v : undefined;
    const escapes = name === undefined || /[\\/]|^\.\.?$|^[a-zA-Z]:/.test(name);
    const detail = `${cls.name} at offset ${c.offset} opens ${name === undefined ? 'a file named by a computed value' : JSON.stringify(name)}`;
    out.push(finding(escapes ? 'MG-SCAN-009' : 'MG-SCAN-028', detail, { offset: c.offset, reference: JOBLIB_COMPAT }));
  }
  return out;
}

const JOBLIB_COMPAT = 'https://github.com/joblib/joblib/blob/main/joblib/numpy_pickle_compat.py';

/** Arguments, keyword arguments and BUILD state of a call (not its callee: calling directly is the normal use). */
function pushCallParts(todo: PValue[], c: CallValue): void {
  for (const a of c.args) todo.push(a);
  if (c.kwargs) todo.push(c.kwargs);
  if (c.state) todo.push(c.state);
}

/**
 * torch.storage._load_from_bytes runs torch.load(weights_only=False) on its argument. Checkpoints only ever
 * call it directly (pickle.dumps of a tensor); handed on as a value (inside a partial, as an argument, in an
 * object's state) it is called later by code the scanner does not follow, with bytes it did not check.
 */
function loaderAsValueFindings(r: EmulationResult): ScanFinding[] {
  const seen = new Set<PValue>();
  const todo: PValue[] = [];
  for (const c of r.calls) pushCallParts(todo, c);
  while (todo.length > 0 && seen.size < 200_000) {
    const v = todo.pop() as PValue;
    if (seen.has(v)) continue;
    seen.add(v);
    if (v.k === 'global' && judge(v).allow?.shape === 'load-from-bytes') {
      const detail = `${v.module}.${v.name} (offset ${v.offset}) is passed on as a value, to be called by other code`;
      return [
        finding('MG-SCAN-005', detail, {
          offset: v.offset,
          reference: 'https://github.com/mmaitre314/picklescan/issues/47',
        }),
      ];
    }
    if (v.k === 'call') pushCallParts(todo, v);
    else if (v.k === 'tuple' || v.k === 'list' || v.k === 'set') for (const x of v.items) todo.push(x);
    else if (v.k === 'dict') for (const [k, x] of v.entries) todo.push(k, x);
  }
  return [];
}

/** Every finding of one emulated pickle (nested pickles are scanned by the caller). */
export function pickleFindings(r: EmulationResult): ScanFinding[] {
  const out = [...globalFindings(r), ...anomalyFindings(r), ...fileArgumentFindings(r), ...loaderAsValueFindings(r)];
  let odd = 0;
  for (const c of r.calls) {
    const f = callFinding(c);
    if (f && odd++ < 50) out.push(f);
  }
  if (r.error) {
    out.push(
      finding('MG-SCAN-021', `pickle from offset ${r.start} stops at offset ${r.error.offset}: ${r.error.message}`, {
        offset: r.error.offset,
        reference: 'https://github.com/mmaitre314/picklescan/issues/33',
        evidence: { technique: 16, ops: r.ops },
      }),
    );
  }
  return out;
}
