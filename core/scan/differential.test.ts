import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { memorySource } from '../io/byte-source.ts';
import { scanFile } from './scan-file.ts';
import type { ScanFinding, ScanOutcome } from './types.ts';

// The differential corpus (scripts/differential/gen_differential.py): adversarial and ordinary model
// files, each labelled by what CPython's real loaders (pickle.load, torch.load(weights_only=False),
// joblib.load, numpy.load(allow_pickle=True)) did with it. The scanner must agree with the loaders:
// whatever ran code is malicious, whatever a loader imported is reported, and "benign" is never said
// of a file a loader would unpickle with globals no ordinary checkpoint uses.

type Pair = [string, string];
interface LoaderLabel {
  resolved: Pair[];
  ran: boolean;
  loaded: boolean;
  error: string | null;
  events: string[];
  timeout: boolean;
}
interface Case {
  id: string;
  name: string;
  class: number;
  note: string;
  loaders: Record<string, LoaderLabel>;
  harmless?: boolean;
  aux?: string[];
  b64: string;
}
interface Scanned {
  c: Case;
  outcome: ScanOutcome;
}

const CLASSES: Record<number, string> = {
  1: 'protocol-0/1 text grammar',
  2: 'loader/scanner reading differences',
  3: 'polyglots',
  4: 'dangerous callables reached indirectly',
  5: 'allowlisted constructors with dangerous arguments',
  6: 'harmless real checkpoints',
  7: 'mutations',
};
const IMPORTS_CODE = 'MG-SCAN-027';
const SHOWN = 20;

const root = fileURLToPath(new URL('../../', import.meta.url));
const corpusFile = join(root, 'test/fixtures/differential/cases.jsonl');
const cases: Case[] = readFileSync(corpusFile, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Case);

// Scanned once, shared by every property below.
const scanned: Promise<Scanned[]> = (async () => {
  const out: Scanned[] = [];
  for (const c of cases) {
    const bytes = new Uint8Array(Buffer.from(c.b64, 'base64'));
    out.push({ c, outcome: await scanFile(memorySource(c.name, bytes)) });
  }
  return out;
})();

const labels = (c: Case): LoaderLabel[] => Object.values(c.loaders);
const ran = (c: Case): boolean => labels(c).some((l) => l.ran);
const pairKey = ([module, name]: Pair): string => `${module}\u0000${name}`;

// Every global some ordinary checkpoint of the corpus makes a loader resolve.
const harmlessGlobals = new Set(
  cases.filter((c) => c.harmless).flatMap((c) => labels(c).flatMap((l) => l.resolved.map(pairKey))),
);

function oracleSummary(c: Case): string {
  return Object.entries(c.loaders)
    .map(([loader, l]) => {
      const globals = l.resolved.slice(0, 4).map(([m, n]) => `${m}.${n}`);
      const more = l.resolved.length > 4 ? ` +${l.resolved.length - 4}` : '';
      return `${loader}: ${l.ran ? 'RAN' : 'no run'}${l.loaded ? ', loaded' : ''} [${globals.join(', ')}${more}]`;
    })
    .join('; ');
}

function report(property: string, bad: Scanned[], extra: (s: Scanned) => string = () => ''): string {
  const lines = bad.slice(0, SHOWN).map(({ c, outcome }) => {
    const reason = (outcome.reason ?? '').slice(0, 120);
    return `  ${c.id} ${c.name} → ${outcome.verdict} (${outcome.format}) ${reason}\n    oracle: ${oracleSummary(c)}${extra({ c, outcome })}\n    note: ${c.note.slice(0, 160)}`;
  });
  return `${bad.length} case(s) break ${property}:\n${lines.join('\n')}`;
}

/** The [module, name] pairs the scanner says it read, from the imports finding and any `global` evidence. */
function reportedPairs(findings: ScanFinding[]): Set<string> {
  const out = new Set<string>();
  for (const f of findings) {
    const imports = f.code === IMPORTS_CODE ? f.evidence?.imports : undefined;
    if (Array.isArray(imports)) {
      for (const pair of imports) if (Array.isArray(pair)) out.add(pairKey([String(pair[0]), String(pair[1])]));
    }
    const global = f.evidence?.global;
    if (typeof global === 'string') out.add(`dotted\u0000${global}`);
  }
  return out;
}

function missingPairs({ c, outcome }: Scanned): Pair[] {
  const reported = reportedPairs(outcome.findings);
  const resolved = labels(c).flatMap((l) => l.resolved);
  // A case with `aux` also made a loader read a file outside the model folder, which the scanner never
  // sees: only the pairs spelled in the file itself are required (those cases are plain binary pickles).
  const text = c.aux ? Buffer.from(c.b64, 'base64').toString('latin1') : '';
  const required = c.aux ? resolved.filter(([m, n]) => text.includes(m) && text.includes(n)) : resolved;
  return required.filter((pair) => !reported.has(pairKey(pair)) && !reported.has(`dotted\u0000${pair[0]}.${pair[1]}`));
}

function unusualGlobals(c: Case): boolean {
  return labels(c).some((l) => l.resolved.some((pair) => !harmlessGlobals.has(pairKey(pair))));
}

const classIds = Object.keys(CLASSES).map(Number);

test('the differential corpus is present and labelled', () => {
  assert.ok(cases.length >= 2000, `only ${cases.length} cases`);
  for (const id of classIds)
    assert.ok(
      cases.some((c) => c.class === id),
      `no case of class ${id}`,
    );
  assert.ok(
    cases.filter((c) => c.harmless).every((c) => !ran(c)),
    'a harmless case ran under a loader',
  );
});

for (const id of classIds) {
  test(`P1 class ${id} (${CLASSES[id]}): a payload that ran under any loader is malicious`, async () => {
    const bad = (await scanned).filter(({ c, outcome }) => c.class === id && ran(c) && outcome.verdict !== 'malicious');
    assert.equal(bad.length, 0, report('P1 (ran ⇒ malicious)', bad));
  });
}

for (const id of classIds) {
  test(`P2 class ${id} (${CLASSES[id]}): every global a loader resolved is in the findings`, async () => {
    const bad = (await scanned).filter((s) => s.c.class === id && missingPairs(s).length > 0);
    const missing = (s: Scanned): string =>
      `\n    missing: ${missingPairs(s)
        .slice(0, 6)
        .map(([m, n]) => `${m}.${n}`)
        .join(', ')}`;
    assert.equal(bad.length, 0, report(`P2 (resolved ⊆ ${IMPORTS_CODE} imports)`, bad, missing));
  });
}

for (const id of classIds) {
  test(`P3 class ${id} (${CLASSES[id]}): benign only when no loader ran it or resolved unusual globals`, async () => {
    const bad = (await scanned).filter(
      ({ c, outcome }) =>
        c.class === id && outcome.verdict === 'benign' && (ran(c) || (!c.harmless && unusualGlobals(c))),
    );
    assert.equal(bad.length, 0, report('P3 (benign ⇒ nothing ran, nothing unusual)', bad));
  });
}

test('P4: ordinary checkpoints are never malicious', async () => {
  const bad = (await scanned).filter(({ c, outcome }) => c.harmless && outcome.verdict === 'malicious');
  assert.equal(bad.length, 0, report('P4 (harmless ⇒ not malicious)', bad));
});

test('summary: verdicts per class (not an assertion)', async () => {
  const rows = new Map<number, Map<string, number>>();
  for (const { c, outcome } of await scanned) {
    const row = rows.get(c.class) ?? new Map<string, number>();
    const key = `${outcome.verdict}${ran(c) ? '/ran' : ''}`;
    row.set(key, (row.get(key) ?? 0) + 1);
    rows.set(c.class, row);
  }
  const lines = [...rows.entries()]
    .sort(([a], [b]) => a - b)
    .map(([id, row]) => {
      const cells = [...row.entries()].sort().map(([k, n]) => `${k} ${n}`);
      return `  class ${id} (${CLASSES[id]}): ${cells.join(', ')}`;
    });
  console.log(`differential corpus: ${cases.length} cases (verdict, /ran = a loader ran it)\n${lines.join('\n')}`);
});
