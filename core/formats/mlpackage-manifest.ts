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

/** How far into a JSON object the sniffer looks for a manifest key (a manifest is a few hundred bytes). */
export const MANIFEST_SNIFF_BYTES = 65_536;

/**
 * A JSON object that names any one of the manifest keys, so a manifest padded or reordered past the others
 * is still checked (its values are validated by the scanner: a lookalike comes out invalid, not benign).
 */
export function looksLikeMlpackageManifest(head: Uint8Array): boolean {
  const text = new TextDecoder().decode(head.subarray(0, MANIFEST_SNIFF_BYTES));
  return (
    startsLikeJsonObject(head) &&
    (text.includes('"fileFormatVersion"') ||
      text.includes('"itemInfoEntries"') ||
      text.includes('"rootModelIdentifier"'))
  );
}

/** Whether the first non-whitespace byte is `{`. */
export function startsLikeJsonObject(head: Uint8Array): boolean {
  for (const b of head) {
    if (b === 0x7b) return true;
    if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) return false;
  }
  return false;
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
