// Child of the adversarial bench (bench/adversarial.ts): scans one file with the CLI's scanner and prints
// the outcome as one JSON line, so that the parent measures this process's own time and peak RSS.
import { basename } from 'node:path';
import { fileSource } from '../core/io/byte-source-node.ts';
import { scanFile } from '../core/scan/scan-file.ts';

const path = process.argv[2];
if (!path) throw new Error('usage: adversarial-scan.ts <file>');
const outcome = await scanFile(await fileSource(path, basename(path)));
const codes = [...new Set(outcome.findings.map((f) => f.code))];
console.log(JSON.stringify({ verdict: outcome.verdict, codes, reason: outcome.reason ?? '' }));
