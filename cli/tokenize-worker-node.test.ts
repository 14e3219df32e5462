import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import type { BudgetOutcome } from '../core/probe/budget-outcome.ts';
import { parseProbeText } from '../core/probe/read-probe-text.ts';
import { ProbeTokenizer } from '../core/probe/tokenizer.ts';
import { TOKENIZER_BUDGET_MS } from '../core/probe/tokenizer-engine.ts';
import { workerTokenizerEngine } from './tokenize-worker-node.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');
const REDOS = 'test/fixtures/hostile/redos-tokenizer';
/** What a stopped run may take beyond its budget: the worker's start and its termination. */
const SLACK_MS = 3000;

function probeTexts(): string[] {
  const out: string[] = [];
  for (const f of ['public/probes/sentiment.probes.jsonl', 'public/probes/code-lm.probes.jsonl']) {
    for (const item of parseProbeText(read(f), f).items) {
      if (item.kind === 'classifier') out.push(item.text);
      else out.push(item.prompt, `${item.prompt}${item.safe}`, `${item.prompt}${item.unsafe}`);
    }
  }
  return out;
}

test('in the worker, a tokenizer answers exactly as in process (the library on the calling thread)', async () => {
  const texts = probeTexts();
  for (const demo of ['sentiment-base', 'code-lm-base']) {
    const json = read(`public/demo/${demo}/tokenizer.json`);
    const local = await ProbeTokenizer.fromJson(json);
    const worker = await ProbeTokenizer.fromJson(json, undefined, { engine: workerTokenizerEngine() });
    try {
      assert.equal(worker.fingerprint, local.fingerprint);
      assert.equal(worker.vocabSize, local.vocabSize);
      assert.equal(worker.padId(), local.padId());
      for (const text of texts) {
        assert.deepEqual(worker.encode(text), local.encode(text), text);
        assert.deepEqual(worker.encode(text, false), local.encode(text, false), text);
      }
      // Primed (one call for many texts), the answers are the same.
      worker.prime(texts);
      for (const text of texts) assert.deepEqual(worker.encode(text), local.encode(text), text);
      worker.unprime();
      for (let id = 0; id < local.vocabSize; id++) {
        assert.equal(worker.idToToken(id), local.idToToken(id));
        assert.equal(worker.decode([id]), local.decode([id]));
      }
      assert.equal(worker.tokenToId('[UNK]'), local.tokenToId('[UNK]'));
    } finally {
      worker.close();
    }
    assert.throws(() => worker.encode('after close'), /the tokenizer was closed/);
  }
});

test('a library error in the worker names the file, as in process', async () => {
  const broken = JSON.stringify({ model: { type: 'NoSuchModel' } });
  const local = await ProbeTokenizer.fromJson(broken).catch((e: Error) => e.message);
  const worker = await ProbeTokenizer.fromJson(broken, undefined, { engine: workerTokenizerEngine() }).catch(
    (e: Error) => e.message,
  );
  assert.equal(typeof local, 'string');
  assert.equal(worker, local);
  assert.match(String(worker), /^tokenizer\.json: /);
});

/**
 * The hostile runs happen in a child process with a hard timeout (cli/tokenize-budget.test-helper.ts): while
 * the main thread waits for the worker it cannot be interrupted, so without the budget this test would hang.
 */
function hostile(mode: 'encode' | 'run', budgetMs: number) {
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'cli/tokenize-budget.test-helper.ts'), mode, String(budgetMs)],
    { cwd: ROOT, encoding: 'utf8', timeout: budgetMs + 30_000 },
  );
  assert.equal(child.status, 0, `the ${mode} did not end (signal ${child.signal}): ${child.stderr}`);
  return JSON.parse(child.stdout) as {
    finished?: boolean;
    took: number;
    again?: string;
    error: { name: string; message: string; budget: { file: string; budgetMs: number; step: string } | null };
    outcome?: BudgetOutcome;
  };
}

test('hostile/redos-tokenizer: the budget stops the backtracking regex and says which file, step and budget', () => {
  const budgetMs = 1000;
  const r = hostile('encode', budgetMs);
  assert.equal(r.finished, undefined, 'the pattern finished: the fixture no longer backtracks');
  assert.equal(r.error.name, 'TokenizerBudgetError');
  assert.equal(
    r.error.message,
    `${REDOS}/tokenizer.json: the tokenizer ran past its 1 s time budget while encoding "terrific rather phone ending moving they…" and was stopped`,
  );
  assert.deepEqual(r.error.budget, {
    file: 'tokenizer.json',
    budgetMs,
    step: 'encoding "terrific rather phone ending moving they…"',
  });
  assert.ok(r.took < budgetMs + SLACK_MS, `stopped after ${r.took} ms`);
  // Stopped for good: the next call fails at once with the same error.
  assert.equal(r.again, r.error.message);
});

test('text the hostile pattern does not backtrack on is tokenized as in process: the tokenizer itself is valid', async () => {
  const json = read(`${REDOS}/tokenizer.json`);
  const u = await ProbeTokenizer.fromJson(json, undefined, { engine: workerTokenizerEngine({ budgetMs: 5000 }) });
  assert.deepEqual(u.encode('#'), (await ProbeTokenizer.fromJson(json)).encode('#'));
  u.close();
});

test('the default budget is 20 s', () => {
  assert.equal(TOKENIZER_BUDGET_MS, 20_000);
});

test('the behavioral run on hostile/redos-tokenizer ends within budget + slack with MG-BEH-006 instead of hanging', () => {
  const budgetMs = 1500;
  const r = hostile('run', budgetMs);
  assert.equal(r.finished, undefined);
  assert.equal(r.error.name, 'TokenizerBudgetError');
  assert.ok(r.took < budgetMs + SLACK_MS, `stopped after ${r.took} ms`);
  assert.equal(r.outcome?.check.status, 'error');
  assert.equal(r.outcome?.findings[0]?.code, 'MG-BEH-006');
  assert.equal(r.outcome?.findings[0]?.file, 'tokenizer.json');
  assert.equal(r.outcome?.findings[0]?.evidence?.folder, REDOS);
});
