import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { memorySource } from '../io/byte-source.ts';
import { fakeContext } from './fake-scan-context.ts';
import { isRSerialized, scanR } from './scan-r.ts';
import { LEGACY_CODES } from './legacy-format-codes.ts';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../test/fixtures/formats/legacy-and-oci/r/${name}`, import.meta.url)));

/** serialize.c XDR items, written by hand. */
class R {
  parts: number[] = [];
  int(v: number) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, v, false);
    this.parts.push(...b);
    return this;
  }
  flags(type: number, o: { attr?: boolean; tag?: boolean; levels?: number } = {}) {
    return this.int(type | ((o.attr ? 1 : 0) << 9) | ((o.tag ? 1 : 0) << 10) | ((o.levels ?? 0) << 12));
  }
  char(s: string) {
    this.flags(9, { levels: 64 }).int(s.length);
    this.parts.push(...new TextEncoder().encode(s));
    return this;
  }
  sym(s: string) {
    return this.flags(1).char(s);
  }
  /** `fn("arg")` */
  call(fn: string, arg: string) {
    return this.flags(6).sym(fn).flags(2).flags(16).int(1).char(arg).int(254);
  }
  stream() {
    const head = [0x58, 0x0a, 0, 0, 0, 2, 0, 4, 3, 1, 0, 2, 3, 0];
    return new Uint8Array([...head, ...this.parts]);
  }
}

const closure = (body: (r: R) => R) => body(new R().flags(3, { tag: true }).int(253).int(254));

async function scan(bytes: Uint8Array) {
  return scanR(memorySource('m.rds', bytes), fakeContext());
}

test('plain data written by rdata and by R is benign, in XDR and ascii', async () => {
  for (const name of ['coefficients.rds', 'model-weights.rda', 'measurements-frame-ascii.rds']) {
    const outcome = await scan(fixture(name));
    assert.equal(outcome.verdict, 'benign', `${name}: ${outcome.reason}`);
  }
  assert.equal((await scan(fixture('model-weights.rda'))).format, 'rdata');
});

test('closures, promises and active bindings that run commands are malicious and say what they call', async () => {
  for (const [name, call] of [
    ['promise-system.rds', 'system'],
    ['list-closure-eval-parse.rds', 'eval'],
    ['env-active-binding.rds', 'system2'],
    ['promise-system-ascii.rds', 'system'],
  ]) {
    const outcome = await scan(fixture(name!));
    assert.equal(outcome.verdict, 'malicious', name);
    assert.equal(outcome.findings[0]!.code, LEGACY_CODES.rCodeRunsCommand.code);
    assert.match(outcome.findings[0]!.detail, new RegExp(`\\b${call}\\b`));
  }
  const active = await scan(fixture('env-active-binding.rds'));
  assert.match(
    active.findings[0]!.detail,
    /^an active binding that calls system2/,
    'the frame cell is read as an active binding',
  );
  const qualified = closure((r) =>
    r
      .flags(6)
      .flags(6)
      .sym('::')
      .flags(2)
      .sym('base')
      .flags(2)
      .sym('system')
      .int(254)
      .flags(2)
      .flags(16)
      .int(1)
      .char('id')
      .int(254),
  );
  const outcome = await scan(qualified.stream());
  assert.equal(outcome.verdict, 'malicious');
  assert.match(outcome.findings[0]!.detail, /base::system/);
});

test('code that calls nothing dangerous is suspicious; the same call as data is a benign note', async () => {
  assert.equal((await scan(fixture('closure-plus-one.rds'))).verdict, 'suspicious');
  // binomial()$linkfun as stats writes it: function(mu) .Call(C_logit_link, mu)
  const link = closure((r) => r.flags(6).sym('.Call').flags(2).sym('C_logit_link').flags(2).sym('mu').int(254));
  assert.equal((await scan(link.stream())).verdict, 'suspicious');
  const formula = new R()
    .flags(6, { attr: true })
    .flags(2, { tag: true })
    .sym('class')
    .flags(16)
    .int(1)
    .char('formula')
    .int(254)
    .sym('~')
    .flags(2)
    .sym('y')
    .flags(2)
    .sym('x')
    .int(254);
  const data = await scan(formula.stream());
  assert.equal(data.verdict, 'benign');
  assert.equal(data.findings[0]!.code, LEGACY_CODES.rLanguageData.code);
  const asData = await scan(new R().call('system', 'id').stream());
  assert.equal(asData.verdict, 'suspicious', 'a command kept as an expression runs only if evaluated');
});

test('byte code constants are followed to the calls they hold', async () => {
  // BCODESXP: reps 0, code INTSXP(1), 1 constant: LANGSXP via ReadBCLang (type, tag, car, cdr).
  const r = new R().flags(21).int(0).flags(13).int(1).int(12).int(1);
  r.int(6).int(254).int(0).sym('system').int(2).int(254).int(0).flags(16).int(1).char('id').int(0).int(254);
  const outcome = await scan(closure(() => r).stream());
  assert.equal(outcome.verdict, 'malicious', outcome.reason);
  assert.match(outcome.findings[0]!.detail, /byte code|closure/);
});

test('namespaces outside base R and ALTREP classes of other packages are suspicious', async () => {
  const ns = new R().flags(249).int(0).int(2).char('evilpkg').char('1.0').stream();
  assert.equal((await scan(ns)).verdict, 'suspicious');
  const stats = new R().flags(249).int(0).int(2).char('stats').char('4.3.1').stream();
  assert.equal((await scan(stats)).verdict, 'benign');
  const ext = new R().flags(22).int(254).int(254).stream();
  assert.equal((await scan(ext)).verdict, 'suspicious');
});

test('code read before a malformed part still counts', async () => {
  const r = new R().flags(19).int(2);
  r.flags(5, { tag: true }).int(253).int(252).call('system', 'id');
  const outcome = await scan(r.int(99).stream());
  assert.equal(outcome.verdict, 'malicious');
  assert.ok(outcome.findings.some((f) => f.code === LEGACY_CODES.rInvalid.code));
});

test('malformed or unfollowed streams are never benign', async () => {
  assert.equal((await scan(fixture('unknown-type.rds'))).verdict, 'invalid');
  assert.equal((await scan(fixture('truncated.rds'))).verdict, 'invalid');
  assert.equal((await scan(new R().int(255 | (9 << 8)).stream())).verdict, 'invalid', 'reference before any object');
  assert.equal((await scan(new R().flags(247).int(0).int(1).char('x').stream())).verdict, 'invalid');
  const ascii = (body: string) => new TextEncoder().encode(`A\n3\n263169\n197888\n5\nUTF-8\n${body}`);
  assert.equal(isRSerialized(ascii('254\n')), true);
  assert.equal((await scan(ascii('254\n'))).verdict, 'benign');
  assert.equal((await scan(ascii('14\n2\n1.5\nbanana\n'))).verdict, 'invalid', 'a word that is not a number');
  assert.equal((await scan(ascii('14\n5\n1.5\n'))).verdict, 'invalid', 'a vector cut short');
  const escaped = ascii('19\n2\n16\n1\n262153\n3\na\\040b\n14\n1\n2.5\n');
  assert.equal((await scan(escaped)).verdict, 'benign', 'octal escapes count as one byte of the string');
});

test('the sniffer takes RDS and RData streams only', () => {
  assert.equal(isRSerialized(fixture('coefficients.rds')), true);
  assert.equal(isRSerialized(fixture('model-weights.rda')), true);
  assert.equal(isRSerialized(new TextEncoder().encode('X\nhello there, this is text')), false);
  assert.equal(isRSerialized(new TextEncoder().encode('RDX3\nA\n')), false);
});
