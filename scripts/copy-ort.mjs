// Self-hosts onnxruntime-web (never a CDN: the portal fetches nothing from another origin). The infer worker imports
// /ort/ort.webgpu.min.mjs at run time, which loads its wasm and pthread glue from the same folder.
import { cpSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const from = 'node_modules/onnxruntime-web/dist';
const to = 'public/ort';
mkdirSync(to, { recursive: true });
const wanted = /^(ort\.webgpu\.min\.mjs|ort-wasm-simd-threaded\.asyncify\.(mjs|wasm))$/;
const copied = readdirSync(from).filter((f) => wanted.test(f));
for (const f of copied) cpSync(join(from, f), join(to, f));
if (copied.length !== 3) throw new Error(`expected 3 onnxruntime-web files, found ${copied.join(', ')}`);
console.log(`copied ${copied.length} onnxruntime-web files to ${to}`);
