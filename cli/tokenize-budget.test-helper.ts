// Runs the hostile tokenizer of test/fixtures/hostile/redos-tokenizer under a time budget and prints what
// happened as one JSON line. cli/tokenize-worker-node.test.ts runs it in a child process with a hard
// timeout: the main thread blocks while it waits for the worker, so without the budget it would hang the
// test runner itself rather than fail.
//
// usage: node --import tsx cli/tokenize-budget.test-helper.ts <encode|run> <budgetMs>
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileSource } from '../core/io/byte-source-node.ts';
import { runBehavior } from '../core/probe/behavior-run.ts';
import { behaviorStoppedOutcome } from '../core/probe/budget-outcome.ts';
import { loadBehaviorSide, pairOptions } from '../core/probe/model-side.ts';
import { parseProbeText } from '../core/probe/read-probe-text.ts';
import { ProbeTokenizer } from '../core/probe/tokenizer.ts';
import { TokenizerBudgetError } from '../core/probe/tokenizer-engine.ts';
import { openFolderSession } from './onnx-session-node.ts';
import { workerTokenizerEngine } from './tokenize-worker-node.ts';

export const REDOS = 'test/fixtures/hostile/redos-tokenizer';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');

function folderReader(dir: string, budgetMs: number) {
  const paths: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else paths.push(relative(join(ROOT, dir), p).split('\\').join('/'));
    }
  };
  walk(join(ROOT, dir));
  return {
    paths,
    text: async (p: string) => read(`${dir}/${p}`),
    source: (p: string) => fileSource(join(ROOT, dir, p), p),
    tokenizerEngine: workerTokenizerEngine({ budgetMs, folder: dir }),
  };
}

/** One encode of a probe sentence, as the probe run does first. */
async function encode(budgetMs: number): Promise<unknown> {
  const t = await ProbeTokenizer.fromJson(read(`${REDOS}/tokenizer.json`), undefined, {
    engine: workerTokenizerEngine({ budgetMs, folder: REDOS }),
  });
  const started = performance.now();
  try {
    t.encode('terrific rather phone ending moving they looked');
    return { finished: true };
  } catch (error) {
    const took = performance.now() - started;
    let again: string | undefined;
    try {
      t.encode('a');
    } catch (e) {
      again = (e as Error).message;
    }
    return { error: errorFacts(error), took, again };
  }
}

/** The whole behavioral comparison of the folder with itself, as `modelgate compare` runs it. */
async function run(budgetMs: number): Promise<unknown> {
  const side = async () => (await loadBehaviorSide(folderReader(REDOS, budgetMs)))!;
  const [ft, base] = [await side(), await side()];
  const started = performance.now();
  try {
    await runBehavior({
      openSession: (which) => openFolderSession(join(ROOT, REDOS), (which === 'base' ? base : ft).model),
      ...pairOptions(base, ft),
      kind: 'classifier',
      probeSet: parseProbeText(read('public/probes/sentiment.probes.jsonl'), 'sentiment.probes.jsonl'),
      noiseFloor: 'batch',
      batchSize: 8,
    });
    return { finished: true };
  } catch (error) {
    return { error: errorFacts(error), took: performance.now() - started, outcome: behaviorStoppedOutcome(error) };
  } finally {
    base.tokenizer.close();
    ft.tokenizer.close();
  }
}

function errorFacts(error: unknown) {
  const e = error as Error;
  return {
    name: e.name,
    message: e.message,
    budget:
      error instanceof TokenizerBudgetError ? { file: error.file, budgetMs: error.budgetMs, step: error.step } : null,
  };
}

const [mode, budget] = process.argv.slice(2);
const result = await (mode === 'run' ? run : encode)(Number(budget));
process.stdout.write(`${JSON.stringify(result)}\n`);
