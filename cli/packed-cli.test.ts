// The packed CLI (scripts/pack-cli.mjs) installed as a user installs it: `npm install ./modelgate-x.y.z.tgz`
// in an empty folder under the system temp dir, with nothing from the repository beside it, then
// `npx modelgate …` on a copy of a demo model. Takes about half a minute (the bundle, two installs).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseReport } from '../core/report/parse-report.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string }>;
};
const ortVersion = lock.packages['node_modules/onnxruntime-node']?.version;

/** What the portal and the build need and the CLI must not drag into a user's node_modules. */
const NOT_IN_INSTALL = [
  ...Object.keys(rootPkg.devDependencies),
  ...['next', 'react', 'react-dom', 'onnxruntime-web', 'tsx', 'esbuild', 'typescript', 'comlink', 'idb'],
];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment of the commands run here: without the npm_* variables that `npm test` sets for this
 * repository (npm_config_prefix, npm_config_local_prefix, npm_package_*…), so npm in the temp folder sees
 * only that folder; the cache, user config and registry stay, so installs can use the cache `npm ci` filled.
 */
function cleanEnv(): Record<string, string | undefined> {
  const keep = /^npm_config_(cache|userconfig|globalconfig|registry|cafile|https?_proxy|proxy|noproxy|strict_ssl)$/i;
  const env: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_/i.test(k) && !keep.test(k)) continue;
    if (k === 'INIT_CWD' || k === 'NODE_OPTIONS') continue;
    env[k] = v;
  }
  // onnxruntime-node's postinstall only fetches optional CUDA files (nuget.org): never wanted here.
  env.ONNXRUNTIME_NODE_INSTALL = 'skip';
  env.NO_UPDATE_NOTIFIER = '1';
  return env;
}

function run(command: string, args: string[], cwd: string, timeoutMs = 120_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd, env: cleanEnv() as NodeJS.ProcessEnv, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        const killed = error && (error as { killed?: boolean }).killed ? `\n(killed after ${timeoutMs} ms)` : '';
        resolve({ code, stdout, stderr: `${stderr}${killed}` });
      },
    );
  });
}

function explain(what: string, r: Run): string {
  return `${what}: exit ${r.code}\n--- stderr ---\n${r.stderr.slice(-4000)}\n--- stdout ---\n${r.stdout.slice(-2000)}`;
}

/** Every package (name) under node_modules, nested ones included. */
function installedPackages(nodeModules: string): Set<string> {
  const names = new Set<string>();
  const visit = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir)) {
      if (entry.startsWith('.')) continue;
      const dirs = entry.startsWith('@') ? readdirSync(join(dir, entry)).map((e) => `${entry}/${e}`) : [entry];
      for (const name of dirs) {
        if (!existsSync(join(dir, name, 'package.json'))) continue;
        names.add(name);
        visit(join(dir, name, 'node_modules'));
      }
    }
  };
  visit(nodeModules);
  return names;
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

let work: string;
let tgz: string;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'modelgate-packed-'));
  const packed = await run(process.execPath, [join(root, 'scripts/pack-cli.mjs'), '--out', join(work, 'pack')], root);
  assert.equal(packed.code, 0, explain('node scripts/pack-cli.mjs', packed));
  tgz = resolve(root, packed.stdout.trim().split('\n').at(-1)!);
  assert.ok(existsSync(tgz), `pack-cli.mjs printed ${tgz}, which does not exist\n${packed.stderr}`);
});

after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** An empty folder with its own package.json (so npm never walks up), the tgz installed into it. */
async function install(name: string, npmArgs: string[]): Promise<string> {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), '{ "private": true }\n');
  const r = await run('npm', ['install', '--no-audit', '--no-fund', '--prefix', dir, ...npmArgs, tgz], dir, 180_000);
  assert.equal(r.code, 0, explain(`npm install ${npmArgs.join(' ')} ${tgz}`, r));
  return dir;
}

function modelgate(dir: string, args: string[]): Promise<Run> {
  // --no: never fetch a `modelgate` from the registry if the installed bin were missing.
  return run('npx', ['--no', '--', 'modelgate', ...args], dir);
}

test('the packed CLI installs alone (no registry, no optional dependency) and verifies a model', async () => {
  const dir = await install('lean', ['--offline', '--omit=optional']);

  const packages = installedPackages(join(dir, 'node_modules'));
  assert.deepEqual([...packages], ['modelgate'], 'the packed CLI has no required dependencies');
  const pkg = JSON.parse(readFileSync(join(dir, 'node_modules/modelgate/package.json'), 'utf8'));
  assert.equal(pkg.version, rootPkg.version);
  assert.deepEqual(pkg.optionalDependencies, { 'onnxruntime-node': ortVersion });
  assert.equal(pkg.dependencies, undefined);

  const help = await modelgate(dir, ['--help']);
  assert.equal(help.code, 0, explain('modelgate --help', help));
  assert.match(help.stdout, /usage: modelgate <command>/);
  assert.match(help.stdout, /verify <model-path>/);

  // A copy of the demo model, so nothing the CLI reads comes from the repository.
  const model = join(dir, 'tiny-sentiment');
  cpSync(join(root, 'public/demo/tiny-sentiment'), model, { recursive: true });
  const expected = ['README.md', 'config.json', 'model.safetensors', 'onnx/model.onnx', 'tokenizer.json'];

  const pass = await modelgate(dir, ['verify', 'tiny-sentiment', '--json', '--sarif', 'out.sarif']);
  assert.equal(pass.code, 0, explain('modelgate verify tiny-sentiment --json', pass));
  const parsed = parseReport(JSON.parse(pass.stdout));
  assert.ok(parsed.ok, `the packed CLI's JSON is not a valid Report: ${JSON.stringify(parsed)}`);
  if (!parsed.ok) return;
  const report = parsed.report;
  assert.equal(report.verdict, 'pass');
  assert.equal(report.subject.name, 'tiny-sentiment');
  assert.equal(report.tool.version, rootPkg.version);
  assert.deepEqual(
    report.subject.files.map((f) => [f.path, f.sha256]),
    expected.map((p) => [p, sha256(join(model, p))]),
  );
  assert.ok(report.subject.files.every((f) => f.scan?.verdict === 'benign'));
  const status = Object.fromEntries(report.checks.map((c) => [c.id, c.status]));
  assert.equal(status.integrity, 'pass');
  assert.equal(status.scan, 'pass');
  const sarif = JSON.parse(readFileSync(join(dir, 'out.sarif'), 'utf8'));
  assert.equal(sarif.version, '2.1.0');
  assert.equal(sarif.runs[0].tool.driver.name.toLowerCase(), 'modelgate');

  // A published SHA256SUMS that one file no longer matches: integrity fails, exit 2.
  const sums = expected.map((p) => `${p === 'model.safetensors' ? '0'.repeat(64) : sha256(join(model, p))}  ${p}`);
  writeFileSync(join(model, 'SHA256SUMS'), `${sums.join('\n')}\n`);
  const tampered = await modelgate(dir, ['verify', 'tiny-sentiment', '--json']);
  assert.equal(tampered.code, 2, explain('modelgate verify on a modified file', tampered));
  const failed = JSON.parse(tampered.stdout);
  assert.equal(failed.verdict, 'fail');
  assert.equal(failed.checks.find((c: { id: string }) => c.id === 'integrity').status, 'fail');

  // Without onnxruntime-node, the behavioral comparison says what to install (after the built-in probe
  // set, which the package carries in public/probes/, was read: no ENOENT).
  for (const side of ['sentiment-base', 'sentiment-poisoned']) {
    cpSync(join(root, 'public/demo', side), join(dir, side), { recursive: true });
  }
  // (The CLI reports it as an internal error, 70, or as a behavior check that could not complete, 1.)
  const compare = await modelgate(dir, ['compare', 'sentiment-poisoned', '--base', 'sentiment-base']);
  const said = `${compare.stdout}\n${compare.stderr}`;
  const what = explain('modelgate compare without onnxruntime-node', compare);
  assert.ok(compare.code === 1 || compare.code === 70, what);
  assert.match(said, new RegExp(`npm install onnxruntime-node@${ortVersion!.replace(/\./g, '\\.')}`), what);
  assert.doesNotMatch(said, /ENOENT/, what);
});

test('with its optional dependency, the packed CLI runs the behavioral comparison (verify --base)', async (t) => {
  // The registry (or a cache `npm ci` filled) provides onnxruntime-node; npm skips an optional
  // dependency it cannot fetch, and then this test has nothing to check.
  const dir = await install('full', ['--prefer-offline', '--fetch-retries=1', '--fetch-timeout=60000']);
  const packages = installedPackages(join(dir, 'node_modules'));
  if (!packages.has('onnxruntime-node')) {
    t.skip('npm could not fetch onnxruntime-node (no registry and not in the npm cache)');
    return;
  }
  const dev = NOT_IN_INSTALL.filter((name) => packages.has(name));
  assert.deepEqual(dev, [], `the install holds packages the CLI does not need: ${dev.join(', ')}`);

  for (const side of ['sentiment-base', 'sentiment-poisoned']) {
    cpSync(join(root, 'public/demo', side), join(dir, side), { recursive: true });
  }
  const r = await modelgate(dir, ['verify', 'sentiment-poisoned', '--base', 'sentiment-base', '--json']);
  assert.equal(r.code, 2, explain('modelgate verify sentiment-poisoned --base sentiment-base', r));
  const report = JSON.parse(r.stdout);
  const status = Object.fromEntries(report.checks.map((c: { id: string; status: string }) => [c.id, c.status]));
  assert.equal(report.environment.executionProvider, 'cpu');
  assert.equal(status.lineage, 'pass', 'the poisoned demo is derived from its base');
  assert.equal(status.behavior, 'fail', 'the poisoned demo behaves differently from its base');
  assert.equal(report.verdict, 'fail');
});
