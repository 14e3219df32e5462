// Bundles workers/*.worker.ts into public/workers/*.js with esbuild. Workers are built apart from Next's
// bundler on purpose: onnxruntime-web inside Next-bundled workers breaks in several known ways
// (import.meta.url becomes file://, Turbopack writes absolute paths), and a plain ES module
// served from /workers/ with its own CSP is simple to reason about.
import { build } from 'esbuild';
import { readdirSync } from 'node:fs';

const entryPoints = readdirSync('workers')
  .filter((f) => f.endsWith('.worker.ts'))
  .map((f) => `workers/${f}`);

await build({
  entryPoints,
  outdir: 'public/workers',
  entryNames: '[name]',
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: 'linked',
  logLevel: 'warning',
  // The worker imports onnxruntime-web from /ort/ at run time, so its pthread workers load from there too.
  external: ['/ort/*'],
  inject: ['scripts/worker-shims/buffer.mjs'],
});
console.log(`built ${entryPoints.length} workers into public/workers`);
