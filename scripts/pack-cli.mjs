// `npm run pack:cli`: builds the `modelgate` CLI as an npm package that installs like a tool.
//
// The repository's package.json is the whole portal (Next, React, onnxruntime-web…) and cli/bin.mjs runs
// the TypeScript sources through tsx, so it cannot be packed as is. This script bundles cli/main.ts with
// esbuild into one ESM file for Node 20 (every pure-JS dependency inside it), stages a package of its own in
// a temp folder and runs `npm pack` there; only the tgz lands in <out> (default dist/, git-ignored):
//
//   cli/modelgate.mjs           the bundle (the `modelgate` bin)
//   public/probes/…             files the CLI reads at run time, beside the bundle as in the repository
//   package.json                name modelgate, the root's version, no required dependencies
//   README.md, THIRD_PARTY_NOTICES.md (the licenses of the bundled packages)
//   → <out>/modelgate-<version>.tgz, what `npm install ./modelgate-<version>.tgz` installs
//
// onnxruntime-node is native, so it stays out of the bundle; it is an optionalDependency pinned to the
// version of package-lock.json and loaded only when the behavioral comparison opens a model (verify --base,
// compare). `modelgate verify` works without it (`npm install --omit=optional`).
//
// usage: node scripts/pack-cli.mjs [--out <dir>] [--keep-stage]   (prints the tgz's path last; --keep-stage
// keeps the staged package folder and names it on stderr)
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { out: { type: 'string' }, 'keep-stage': { type: 'boolean' } } });
const OUT = resolve(values.out ?? join(ROOT, 'dist'));
/** Outside the repository, so that eslint and prettier never see the 2.5 MB bundle. */
const STAGE = mkdtempSync(join(tmpdir(), 'modelgate-cli-package-'));
/** The bundle sits one folder below the package root, as cli/*.ts sit below the repository root. */
const BUNDLE = 'cli/modelgate.mjs';
/** The bundle's entry (esbuild stdin): runs main() as cli/bin.mjs does, without tsx. */
const ENTRY = 'modelgate-entry.mjs';

/** Native packages: left out of the bundle, installed as optional dependencies, imported lazily. */
const NATIVE = ['onnxruntime-node'];

/**
 * Sources that find files relative to their own location (import.meta.url, __dirname), and what the package
 * must hold for them, as paths relative to the repository root: `copy`, data copied as is; `bundle`, a
 * module started by path (a worker thread) and bundled on its own to the same path. In the bundle every
 * module shares the bundle's import.meta.url (<package>/cli/modelgate.mjs), which sits where cli/*.ts sit
 * in the repository, so `join(dirname(…), '..')` is the package root and `new URL('./x.mjs', …)` is
 * <package>/cli/x.mjs. A new source that locates files this way fails the build until it is listed here.
 */
const RUNTIME_FILES = {
  'cli/compare-command.ts': { copy: ['public/probes'] }, // BUILTIN_PROBES: public/probes/*.probes.jsonl
  'cli/tokenize-worker-node.ts': { bundle: ['cli/tokenize-worker.mjs'] }, // the tokenizer's worker thread
};

const rootPkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));

function lockedVersion(name) {
  const version = lock.packages?.[`node_modules/${name}`]?.version;
  if (!version) throw new Error(`${name} is not in package-lock.json: run npm install first`);
  return version;
}

/**
 * Replaces `import * as ort from 'onnxruntime-node'` (cli/onnx-session-node.ts) with a module that imports
 * the real one on first use, so a missing optional dependency fails only the command that needs it, with
 * a message saying how to install it. It exports exactly what the CLI uses: if the CLI starts using
 * another export, esbuild warns "will always be undefined" and the build fails (warnings are errors here).
 */
function lazyNative() {
  return {
    name: 'lazy-native',
    setup(b) {
      b.onResolve({ filter: /^onnxruntime-node$/ }, (args) =>
        args.namespace === 'lazy-native'
          ? { path: args.path, external: true }
          : { path: args.path, namespace: 'lazy-native' },
      );
      b.onLoad({ filter: /^onnxruntime-node$/, namespace: 'lazy-native' }, () => ({
        resolveDir: ROOT,
        loader: 'js',
        contents: `
let ort;
async function load() {
  if (ort) return ort;
  try {
    const m = await import('onnxruntime-node');
    ort = m.InferenceSession ? m : m.default;
  } catch (error) {
    throw new Error(
      'the behavioral comparison (verify --base, compare) needs onnxruntime-node, an optional dependency ' +
        'of modelgate that is not installed here: npm install onnxruntime-node@${lockedVersion('onnxruntime-node')}',
      { cause: error },
    );
  }
  return ort;
}
export const InferenceSession = {
  async create(...args) {
    return (await load()).InferenceSession.create(...args);
  },
};
/** Only built after a session exists, so the module is loaded by then. */
export function Tensor(...args) {
  if (!ort) throw new Error('onnxruntime-node: a Tensor was made before a session was opened');
  return new ort.Tensor(...args);
}
`,
      }));
    },
  };
}

/** npm package name and folder of a node_modules path (the innermost node_modules when nested). */
function packageOf(input) {
  const parts = input.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return undefined;
  const n = parts[at + 1].startsWith('@') ? 2 : 1;
  return { name: parts.slice(at + 1, at + 1 + n).join('/'), dir: parts.slice(0, at + 1 + n).join('/') };
}

function licenseText(dir) {
  const file = readdirSync(join(ROOT, dir)).find((f) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(f));
  return file ? readFileSync(join(ROOT, dir, file), 'utf8').trim() : undefined;
}

mkdirSync(join(STAGE, 'cli'), { recursive: true });
mkdirSync(OUT, { recursive: true });
process.on('exit', () => {
  if (values['keep-stage']) console.error(`staged package kept in ${STAGE}`);
  else rmSync(STAGE, { recursive: true, force: true });
});

// ------------------------------------------------------------------------------------------- the bundle
/** One esbuild bundle to STAGE/<outPath>; returns its inputs (repository-relative paths). */
async function bundle(entry, outPath, shebang) {
  const result = await build({
    ...entry,
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: join(STAGE, outPath),
    plugins: [lazyNative()],
    // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
    banner: {
      js: [
        ...(shebang ? ['#!/usr/bin/env node'] : []),
        `// modelgate ${rootPkg.version}: bundled by scripts/pack-cli.mjs; third-party notices in THIRD_PARTY_NOTICES.md.`,
        "import { createRequire as __modelgateCreateRequire } from 'node:module';",
        'const require = __modelgateCreateRequire(import.meta.url);',
      ].join('\n'),
    },
    legalComments: 'eof',
    metafile: true,
    logLevel: 'silent',
  });
  if (result.warnings.length > 0) {
    for (const w of result.warnings) console.error(`warning: ${w.text} (${w.location?.file}:${w.location?.line})`);
    throw new Error(`esbuild warned on ${outPath}: fix the warnings above (they are errors for the packed CLI)`);
  }
  return Object.keys(result.metafile.inputs).filter((p) => !p.startsWith('lazy-native:') && p !== ENTRY);
}

const main = {
  stdin: {
    contents: `import { main } from './cli/main.ts';\nprocess.exitCode = await main(process.argv.slice(2));\n`,
    resolveDir: ROOT,
    sourcefile: ENTRY,
    loader: 'js',
  },
};
const inputs = new Set(await bundle(main, BUNDLE, true));

// ---------------------------------------------------------------- what the bundle reads from disk at run time
const selfLocating = /import\.meta\.url|\b__dirname\b|\b__filename\b/;
const handled = new Set();
for (let pending = [...inputs]; pending.length > 0;) {
  const unhandled = [];
  const more = [];
  for (const input of pending) {
    const text = readFileSync(join(ROOT, input), 'utf8');
    if (input.includes('node_modules/')) {
      // A package that locates its own files (wasm, data) would break once bundled; those bundled today inline them.
      if (/\b__dirname\b|new URL\([^)]*import\.meta\.url/.test(text)) unhandled.push(input);
      continue;
    }
    if (!selfLocating.test(text) || handled.has(input)) continue;
    const needs = RUNTIME_FILES[input];
    if (!needs) {
      unhandled.push(input);
      continue;
    }
    handled.add(input);
    for (const path of [...(needs.copy ?? []), ...(needs.bundle ?? [])]) {
      if (!existsSync(join(ROOT, path))) throw new Error(`${input} needs ${path}, which does not exist`);
    }
    for (const path of needs.copy ?? []) cpSync(join(ROOT, path), join(STAGE, path), { recursive: true });
    for (const path of needs.bundle ?? []) {
      for (const dep of await bundle({ entryPoints: [join(ROOT, path)] }, path, false)) {
        if (!inputs.has(dep)) more.push(dep);
        inputs.add(dep);
      }
    }
  }
  if (unhandled.length > 0) {
    throw new Error(
      `these bundled files locate files relative to themselves; list what they need in RUNTIME_FILES:\n  ${unhandled.join('\n  ')}`,
    );
  }
  pending = more;
}

// -------------------------------------------------------------------------- licenses of what is bundled
const bundled = new Map();
for (const input of inputs) {
  const pkg = packageOf(input);
  if (pkg && !bundled.has(pkg.dir)) bundled.set(pkg.dir, pkg.name);
}
for (const name of NATIVE) {
  if ([...bundled.values()].includes(name)) throw new Error(`${name} is native and must not be bundled`);
}
const notices = [
  '# Third-party notices',
  '',
  `The files in cli/ bundle the following packages (from the lock file of modelgate ${rootPkg.version}).`,
  '',
];
for (const [dir, name] of [...bundled].sort((a, b) => a[1].localeCompare(b[1]))) {
  const meta = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8'));
  const license = typeof meta.license === 'string' ? meta.license : meta.license?.type;
  if (!license) throw new Error(`${name} (${dir}) declares no license: check it before bundling`);
  const text = licenseText(dir);
  const author = typeof meta.author === 'string' ? meta.author : meta.author?.name;
  notices.push(`## ${name}@${meta.version} (${license})`, '');
  notices.push(text ? ['```text', text, '```'].join('\n') : `${license} license${author ? `, ${author}` : ''}.`, '');
}
writeFileSync(join(STAGE, 'THIRD_PARTY_NOTICES.md'), notices.join('\n'));

// ------------------------------------------------------------------------------------------ package.json
const stagedPkg = {
  name: 'modelgate',
  version: rootPkg.version,
  description:
    'Verify an AI model folder before you deploy it: the ModelGate command line (hashes, scan, manifest, signature, provenance).',
  license: rootPkg.license ?? 'Apache-2.0',
  type: 'module',
  bin: { modelgate: BUNDLE },
  engines: rootPkg.engines ?? { node: '>=20.9.0' },
  files: ['cli/', ...[...handled].flatMap((input) => RUNTIME_FILES[input].copy ?? []), 'THIRD_PARTY_NOTICES.md'],
  optionalDependencies: Object.fromEntries(NATIVE.map((n) => [n, lockedVersion(n)])),
};
writeFileSync(join(STAGE, 'package.json'), `${JSON.stringify(stagedPkg, null, 2)}\n`);
for (const name of ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'NOTICE']) {
  if (existsSync(join(ROOT, name))) cpSync(join(ROOT, name), join(STAGE, name));
}
writeFileSync(
  join(STAGE, 'README.md'),
  `# modelgate

Verify an AI model folder before you deploy it: fingerprints (SHA-256), a scan for code that runs when
the model is loaded, SHA256SUMS or Hugging Face Hub comparison, OpenSSF Model Signing signatures, and the
model card's provenance. The same checks as the ModelGate portal, from the command line.

\`\`\`sh
npm install ./modelgate-${rootPkg.version}.tgz     # once published: npm install modelgate
npx modelgate verify ./my-model --sarif modelgate.sarif
npx modelgate --help
\`\`\`

Exit codes: 0 pass, 1 review, 2 fail, 64 usage error, 70 internal error.

The behavioral comparison (\`verify --base\`, \`compare\`) runs the models on onnxruntime-node, an optional
dependency (about 300 MB). \`npm install --omit=optional\` leaves it out; every other check works without it.

Requires Node.js ${stagedPkg.engines.node}. License: ${stagedPkg.license}; bundled third-party code: THIRD_PARTY_NOTICES.md.
`,
);

// --------------------------------------------------------------------------------- smoke test, then pack
execFileSync(process.execPath, [join(STAGE, BUNDLE), '--help'], { stdio: 'ignore' });
const packed = JSON.parse(
  execFileSync('npm', ['pack', '--json', '--pack-destination', OUT], {
    cwd: STAGE,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }),
);
const tgz = join(OUT, packed[0].filename);
const bytes = readFileSync(join(STAGE, BUNDLE)).length;
console.error(
  `modelgate ${rootPkg.version}: bundle ${(bytes / 1e6).toFixed(1)} MB from ${inputs.size} modules ` +
    `(${bundled.size} packages), ${packed[0].entryCount} files in the package`,
);
console.log(relative(process.cwd(), tgz).split(sep).join('/') || tgz);
