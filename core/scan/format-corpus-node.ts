import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * The model-format corpus: test/fixtures/formats/<family>/labels.json, one folder per format family, each
 * written by its committed generator with the format's own library where it can be installed. The unit
 * test (format-corpus.test.ts) and the browser worker test (e2e/format-corpus.spec.ts) read the same labels.
 */
const LabelSchema = z.object({
  /** Relative to test/fixtures/formats. */
  path: z.string().min(1),
  expect: z.union([z.enum(['benign', 'suspicious', 'malicious', 'invalid', 'unverified']), z.array(z.string())]),
  /** The scan outcome's `format`, so a file recognised as something else fails even with the right verdict. */
  format: z.string().min(1),
  /** Which library (and version) wrote the file, or which published schema it was built from by hand. */
  madeBy: z.string().min(1),
  /** What the file is, in one sentence. */
  what: z.string().min(1),
});
export type FormatLabel = z.infer<typeof LabelSchema>;

const LabelsSchema = z.object({ files: z.array(LabelSchema) });

export function readFormatLabels(corpus: string): FormatLabel[] {
  if (!existsSync(corpus)) return [];
  return readdirSync(corpus, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(corpus, e.name, 'labels.json')))
    .flatMap((e) => {
      const { files } = LabelsSchema.parse(JSON.parse(readFileSync(join(corpus, e.name, 'labels.json'), 'utf8')));
      return files.map((f) => ({ ...f, path: `${e.name}/${f.path}` }));
    });
}
