// The layering rules of docs/architecture.md, checked over the import graph of the source tree.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import test from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE_DIRS = ['core', 'cli', 'hooks', 'lib', 'workers', 'components', 'app'];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) {
      if (name !== 'node_modules' && name !== 'testdata') out.push(...sourceFiles(path));
    } else if (/\.(ts|tsx|mjs)$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

const SPECIFIER = /(?:^|\n)\s*(?:import|export)\s([^'";]*?)from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/**
 * Every file's imports of other source files, as repository paths without extension. `valuesOnly` leaves
 * out `import type` (a host may name a check's result type; it may not run the check).
 */
function importGraph(valuesOnly = false): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of SOURCE_DIRS.flatMap(sourceFiles)) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const targets: string[] = [];
    for (const m of text.matchAll(SPECIFIER)) {
      if (valuesOnly && m[1]?.startsWith('type ')) continue;
      const spec = m[2] ?? m[3]!;
      let target: string | undefined;
      if (spec.startsWith('@/')) target = spec.slice(2);
      else if (spec.startsWith('.')) target = relative(ROOT, resolve(ROOT, dirname(file), spec));
      if (target) targets.push(target.replace(/\.(ts|tsx|mjs|js)$/, '').replace(/\/index$/, ''));
    }
    graph.set(file.replace(/\.(ts|tsx|mjs)$/, ''), targets);
  }
  return graph;
}

const graph = importGraph();
const isTest = (file: string) => /\.test(-helper)?$/.test(file) || file.endsWith('.test');
const folderOf = (path: string) => (path.startsWith('core/') ? path.split('/')[1]! : undefined);

/** The folders of core/ and which import which (product code; tests may reach across to build fixtures). */
function folderEdges(): Map<string, Map<string, string>> {
  const edges = new Map<string, Map<string, string>>();
  for (const [file, targets] of graph) {
    const from = folderOf(file);
    if (!from || (isTest(file) && !file.endsWith('test-helper'))) continue;
    for (const target of targets) {
      const to = folderOf(target);
      if (!to || to === from || to.includes('.')) continue;
      const out = edges.get(from) ?? new Map<string, string>();
      if (!out.has(to)) out.set(to, `${file} → ${target}`);
      edges.set(from, out);
    }
  }
  return edges;
}

/** A cycle of folders, with one import per step, or undefined. */
export function findCycle(edges: Map<string, Map<string, string>>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    state.set(node, 'open');
    path.push(node);
    for (const next of edges.get(node)?.keys() ?? []) {
      if (state.get(next) === 'open') {
        const cycle = [...path.slice(path.indexOf(next)), next];
        return cycle.slice(1).map((to, i) => edges.get(cycle[i]!)!.get(to)!);
      }
      if (!state.has(next)) {
        const found = visit(next);
        if (found) return found;
      }
    }
    path.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of edges.keys()) {
    if (!state.has(node)) {
      const found = visit(node);
      if (found) return found;
    }
  }
  return undefined;
}

test('no import cycle between the folders of core/', () => {
  const cycle = findCycle(folderEdges());
  assert.equal(cycle, undefined, `a cycle of imports between core folders:\n  ${cycle?.join('\n  ')}`);
});

test('the cycle finder finds a planted cycle (so the rule above can fail)', () => {
  const planted = folderEdges();
  planted.set('check', new Map([...(planted.get('check') ?? []), ['report', 'core/check/x → core/report/y']]));
  assert.ok(findCycle(planted), 'a planted check → report import closes a cycle through report → check');
});

test('core/check is the leaf: Finding, Severity and Check import nothing', () => {
  const leaf = graph.get('core/check/types');
  assert.deepEqual(leaf, [], 'core/check/types.ts must have no imports');
  for (const [file, targets] of graph) {
    if (folderOf(file) !== 'check' || isTest(file)) continue;
    for (const t of targets)
      assert.equal(folderOf(t), 'check', `${file} imports ${t}: core/check depends on nothing else`);
  }
});

/** Modules that turn results into checks or a Report: only the pipeline assembles them. */
const CHECK_MODULES = [
  'core/report/build-report',
  'core/verify/assemble-report',
  'core/integrity/integrity-check',
  'core/integrity/check-manifest',
  'core/scan/scan-check',
  'core/sign/oms/signature-check',
  'core/provenance/check',
  'core/provenance/inputs',
  'core/weights/lineage-check',
  'core/probe/behavior-check',
  'core/registry/compare-entry',
  'core/registry/behavior-drift',
];

test('buildReport is called from core/verify only', () => {
  const callers = [...graph].filter(([file, targets]) => !isTest(file) && targets.includes('core/report/build-report'));
  const outside = callers
    .map(([file]) => file)
    .filter((f) => !f.startsWith('core/verify/') && !f.startsWith('core/report/'));
  assert.deepEqual(outside, []);
});

test('hooks and CLI commands import no check module: they supply capabilities to core/verify', () => {
  const hosts = [...importGraph(true)].filter(
    ([file]) => !isTest(file) && (file.startsWith('hooks/') || file.startsWith('cli/') || file.startsWith('lib/')),
  );
  const offending = hosts.flatMap(([file, targets]) =>
    targets.filter((t) => CHECK_MODULES.includes(t) || t === 'core/provenance').map((t) => `${file} → ${t}`),
  );
  assert.deepEqual(offending, []);
  for (const module of CHECK_MODULES) {
    assert.ok(graph.has(module), `${module} is listed as a check module but does not exist (renamed?)`);
  }
});

test('every e2e spec takes `test` from e2e/fixtures.ts, whose fixture checks the page never scrolls sideways', () => {
  const specs = readdirSync(join(ROOT, 'e2e')).filter((name) => name.endsWith('.spec.ts'));
  assert.ok(specs.length > 10);
  const bypassing = specs.filter((name) => {
    const text = readFileSync(join(ROOT, 'e2e', name), 'utf8');
    return !/import \{[^}]*\btest\b[^}]*\} from '\.\/fixtures'/.test(text);
  });
  assert.deepEqual(bypassing, []);
});
