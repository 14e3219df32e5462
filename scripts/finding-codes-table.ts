// Prints the README's "Finding codes" table from the catalogs: `node --import tsx scripts/finding-codes-table.ts`.
import { allFindingCodes } from '../core/report/all-finding-codes.ts';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
console.log('| Code | Severity | Meaning |');
console.log('| --- | --- | --- |');
for (const c of allFindingCodes())
  console.log(`| ${c.code} | ${c.severity} | ${cell(c.title)}: ${cell(c.explanation)} |`);
