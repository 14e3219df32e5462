import { z } from 'zod';
import { parseStrictJson } from './strict-json.ts';
import { FormatError } from './format-error.ts';

/**
 * The Manifest.json at the root of a Core ML .mlpackage (written by coremltools' ModelPackage):
 * {"fileFormatVersion": "1.0.0", "itemInfoEntries": {<id>: {"author", "description", "name", "path"}},
 * "rootModelIdentifier": <id>}. Item paths are relative to the package's Data/ folder.
 */

const ItemSchema = z.object({
  author: z.string().max(4096),
  description: z.string().max(65536).optional(),
  name: z.string().max(4096),
  path: z.string().min(1).max(4096),
});

const ManifestSchema = z.object({
  fileFormatVersion: z.string().regex(/^\d+\.\d+\.\d+$/),
  itemInfoEntries: z.record(z.string(), ItemSchema),
  rootModelIdentifier: z.string().min(1),
});

export type MlpackageManifest = z.infer<typeof ManifestSchema>;

const MAX_MANIFEST = 1 << 20;

/** A JSON object that names the three manifest keys (its values are checked by the scanner, not here). */
export function looksLikeMlpackageManifest(head: Uint8Array): boolean {
  const text = new TextDecoder().decode(head);
  return (
    /^\s*\{/.test(text) &&
    text.includes('"fileFormatVersion"') &&
    text.includes('"itemInfoEntries"') &&
    text.includes('"rootModelIdentifier"')
  );
}

export function parseMlpackageManifest(bytes: Uint8Array): MlpackageManifest {
  if (bytes.byteLength > MAX_MANIFEST)
    throw new FormatError(`manifest is ${bytes.byteLength} bytes (limit ${MAX_MANIFEST})`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new FormatError('manifest is not UTF-8');
  }
  let parsed;
  try {
    parsed = parseStrictJson(text);
  } catch (e) {
    throw new FormatError(`manifest is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (parsed.duplicates.length > 0) throw new FormatError(`manifest repeats the key '${parsed.duplicates[0]!.key}'`);
  const result = ManifestSchema.safeParse(parsed.value);
  if (!result.success)
    throw new FormatError(`manifest: ${result.error.issues[0]?.path.join('.')} ${result.error.issues[0]?.message}`);
  if (!result.data.itemInfoEntries[result.data.rootModelIdentifier]) {
    throw new FormatError(`rootModelIdentifier '${result.data.rootModelIdentifier}' names no item`);
  }
  return result.data;
}
