import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** test/fixtures/provenance: model folders with cards and datasheets, read as checkProvenance takes them. */
export const PROVENANCE_FIXTURES = fileURLToPath(new URL('../../test/fixtures/provenance/', import.meta.url));

/** Every file of a fixture folder as `{path, text}`, paths relative to it with `/`. */
export function loadProvenanceFixture(dir: string): { path: string; text: string }[] {
  const root = join(PROVENANCE_FIXTURES, dir);
  const out: { path: string; text: string }[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push({ path: relative(root, p).split('\\').join('/'), text: readFileSync(p, 'utf8') });
    }
  };
  walk(root);
  return out;
}
