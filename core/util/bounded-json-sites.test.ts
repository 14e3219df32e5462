// Every reader of an untrusted JSON document refuses one nested past the bound with a plain message,
// before anything recursive (zod, a walk) can overflow the stack on it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBundle, BundleError } from '../sign/oms/bundle.ts';
import { parseExport } from '../registry/upgrade.ts';
import { parseProbeSet } from '../probe/probe-set.ts';
import { importPromptfoo } from '../probe/import-promptfoo.ts';
import { parsePolicy } from '../report/policy.ts';
import { MAX_JSON_DEPTH } from './bounded-json.ts';

const deep = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
const tooDeep = deep(MAX_JSON_DEPTH + 1);
const said = /nested deeper than 256 levels/;

test('model.sig', () => {
  assert.throws(
    () => parseBundle(new TextEncoder().encode(tooDeep)),
    (e) => e instanceof BundleError && said.test(e.message),
  );
});

test('a registry export', () => {
  assert.throws(() => parseExport(tooDeep), said);
});

test('a probe set line and a promptfoo file', () => {
  assert.throws(() => parseProbeSet(tooDeep, 'p.jsonl'), said);
  assert.throws(() => importPromptfoo(tooDeep, 'p.json'), said);
});

test('a policy file', () => {
  assert.throws(() => parsePolicy(tooDeep, 'policy.json'), said);
});

test('nesting within the bound is left to each reader (the bound is not an off-by-one)', () => {
  assert.throws(
    () => parsePolicy(deep(MAX_JSON_DEPTH), 'policy.json'),
    (e: Error) => !said.test(e.message),
  );
});
