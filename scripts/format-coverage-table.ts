// Writes the coverage table of docs/formats.md from core/scan/format-coverage.ts:
//   node --import tsx scripts/format-coverage-table.ts --write
// core/scan/format-coverage.test.ts fails when the file differs from the table.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withCoverageTable } from '../core/scan/format-coverage-doc.ts';

const target = fileURLToPath(new URL('../docs/formats.md', import.meta.url));
const text = withCoverageTable(readFileSync(target, 'utf8'));
if (process.argv.includes('--write')) {
  writeFileSync(target, text);
  console.log(`wrote ${target}`);
} else {
  process.stdout.write(text);
}
