import { z } from 'zod';
import { FormatError } from './format-error.ts';
import { isJsonObject, parseStrictJson, type JsonValue } from './strict-json.ts';

/**
 * OCI image layout (opencontainers/image-spec image-layout.md: `oci-layout`, `index.json`, `blobs/<alg>/<hex>`),
 * its index and manifest documents (image-index.md, manifest.md, descriptor.md), and the `manifest.json` of
 * `docker save` archives (moby image/spec/v1.2.md: Config, RepoTags, Layers paths inside the archive).
 */

const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

export const Descriptor = z.object({
  mediaType: z.string().max(255),
  digest: z.string().regex(DIGEST, 'a digest is sha256:<64 hex> or sha512:<128 hex>'),
  size: z.number().int().nonnegative(),
  urls: z.array(z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  platform: z.record(z.string(), z.unknown()).optional(),
  artifactType: z.string().optional(),
});
export type Descriptor = z.infer<typeof Descriptor>;

export const ImageIndex = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  manifests: z.array(Descriptor).max(10_000),
  annotations: z.record(z.string(), z.string()).optional(),
});
export type ImageIndex = z.infer<typeof ImageIndex>;

export const ImageManifest = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  config: Descriptor,
  layers: z.array(Descriptor).max(10_000),
  subject: Descriptor.optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});
export type ImageManifest = z.infer<typeof ImageManifest>;

export const DockerManifest = z
  .array(
    z.object({
      Config: z.string().max(4096),
      RepoTags: z.array(z.string()).nullable().optional(),
      Layers: z.array(z.string().max(4096)).max(10_000),
    }),
  )
  .max(10_000);
export type DockerManifest = z.infer<typeof DockerManifest>;

export const INDEX_TYPES = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
]);

/** Layer media types whose content a runtime unpacks as tar (optionally gzip'd). */
export const TAR_LAYER_TYPES = new Set([
  'application/vnd.oci.image.layer.v1.tar',
  'application/vnd.oci.image.layer.v1.tar+gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  'application/vnd.docker.image.rootfs.diff.tar',
  'application/vnd.docker.image.rootfs.diff.tar.gzip',
  'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
]);

/** The path of a blob inside an image layout: `blobs/<algorithm>/<encoded>`. */
export function blobPath(digest: string): string {
  const [alg, hex] = digest.split(':');
  return `blobs/${alg}/${hex}`;
}

/** Strict JSON, then the schema; FormatError names the first problem. */
export function parseDocument<T>(text: string, schema: z.ZodType<T>, what: string): T {
  let value: JsonValue;
  try {
    const parsed = parseStrictJson(text, { maxDepth: 64, maxNodes: 1_000_000 });
    if (parsed.duplicates.length > 0) throw new FormatError(`repeats the key "${parsed.duplicates[0]!.key}"`);
    value = parsed.value;
  } catch (error) {
    if (error instanceof FormatError) throw new FormatError(`${what} is not valid JSON: ${error.message}`);
    throw error;
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new FormatError(`${what}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  return result.data;
}

/** A standalone index or manifest document (schemaVersion 2 with manifests, or config + layers). */
export function looksLikeOciDocument(head: Uint8Array): boolean {
  const text = new TextDecoder().decode(head.subarray(0, 4096));
  if (!/^\s*\{/.test(text) || !/"schemaVersion"\s*:\s*2\b/.test(text)) return false;
  return /"manifests"\s*:/.test(text) || (/"layers"\s*:/.test(text) && /"config"\s*:/.test(text));
}

/** Index or manifest, whichever the document is. */
export function parseOciDocument(
  text: string,
): { kind: 'index'; index: ImageIndex } | { kind: 'manifest'; manifest: ImageManifest } {
  const probe = parseStrictJson(text, { maxDepth: 64, maxNodes: 1_000_000 }).value;
  if (isJsonObject(probe) && 'manifests' in probe)
    return { kind: 'index', index: parseDocument(text, ImageIndex, 'the index') };
  return { kind: 'manifest', manifest: parseDocument(text, ImageManifest, 'the manifest') };
}
