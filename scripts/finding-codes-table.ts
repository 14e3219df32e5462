// Makes docs/finding-codes.md from the finding catalogs (core/export/all-finding-codes.ts):
//   node --import tsx scripts/finding-codes-table.ts           prints it
//   node --import tsx scripts/finding-codes-table.ts --write   writes docs/finding-codes.md
// core/report/finding-codes.test.ts fails when the file differs from the catalogs.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { allFindingCodes } from '../core/export/all-finding-codes.ts';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ');

const lines = [
  '# Finding codes',
  '',
  'Every code ModelGate can put in a report, with its severity. Codes are `MG-<AREA>-<NNN>`: `INT` integrity',
  'and published manifests, `SCAN` the malware scan, `SIG` signatures, `LIN` lineage, `BEH` behavior, `PROV`',
  'provenance, `RPT` the run itself (a cancelled run, a check that could not complete). A policy file',
  '(`modelgate verify --policy`) can change a code’s severity or ignore it; see [the CLI](cli.md).',
  '',
  'Generated from the catalogs in `core/` by `node --import tsx scripts/finding-codes-table.ts --write`; do not',
  'edit by hand. `core/report/finding-codes.test.ts` checks this table against the catalogs.',
  '',
  '| Code | Severity | Meaning |',
  '| --- | --- | --- |',
  ...allFindingCodes().map((c) => `| ${c.code} | ${c.severity} | ${cell(c.title)}: ${cell(c.explanation)} |`),
];
const text = `${lines.join('\n')}\n`;

if (process.argv.includes('--write')) {
  const target = fileURLToPath(new URL('../docs/finding-codes.md', import.meta.url));
  writeFileSync(target, text);
  console.log(`wrote ${target}`);
} else {
  process.stdout.write(text);
}
