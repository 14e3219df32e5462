import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { memorySource } from '../io/byte-source.ts';
import { scanFile } from './scan-file.ts';

// Bypasses found by attack reviews (test/fixtures/scan-bypasses/README.md): the real loaders ran each payload.
const dir = fileURLToPath(new URL('../../test/fixtures/scan-bypasses/', import.meta.url));

for (const name of readdirSync(dir).filter((f) => !f.endsWith('.md'))) {
  test(`review bypass ${name} is malicious`, async () => {
    const outcome = await scanFile(memorySource(name, new Uint8Array(readFileSync(join(dir, name)))));
    assert.equal(outcome.verdict, 'malicious', outcome.findings.map((f) => `${f.code} ${f.detail}`).join('\n'));
  });
}
