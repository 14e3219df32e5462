import type { ByteSource } from '../io/byte-source.ts';
import { memorySource } from '../io/byte-source.ts';
import { sliceSource } from '../formats/container-io.ts';
import { compressionKind, decompress } from '../formats/compression.ts';
import { FormatError } from '../formats/format-error.ts';
import {
  blobPath,
  DockerManifest,
  ImageIndex,
  ImageManifest,
  INDEX_TYPES,
  parseDocument,
  parseOciDocument,
  TAR_LAYER_TYPES,
  type Descriptor,
} from '../formats/oci.ts';
import { isTar, readTar, type TarArchive, type TarEntry } from '../formats/tar.ts';
import { verdictOfFinding } from './finding-verdict.ts';
import { legacyFinding } from './legacy-format-codes.ts';
import { scanTar } from './scan-tar.ts';
import { worstVerdict, type ScanContext, type ScanFinding, type ScanOutcome } from './types.ts';
import { validatorOutcome } from './validator-outcome.ts';
import { unsafePath } from './zip-rules.ts';

export { looksLikeOciDocument } from '../formats/oci.ts';

/** Index and manifest documents are a few KiB; anything bigger is not read. */
const MAX_DOCUMENT_BYTES = 4 << 20;
/** Nested indexes (an index pointing to an index) followed at most this deep. */
const MAX_INDEX_DEPTH = 4;
const DECODER = new TextDecoder('utf-8', { fatal: true });

type Kind = 'oci-layout' | 'docker-archive';

/** Member names as tarfile reports them, without the `./` that `tar -C dir .` puts in front. */
function memberMap(archive: TarArchive): Map<string, TarEntry> {
  const map = new Map<string, TarEntry>();
  for (const e of archive.entries) map.set(e.name.replace(/^(\.\/)+/, ''), e); // the last of a name wins, as in tarfile
  return map;
}

async function archiveKind(source: ByteSource, archive: TarArchive): Promise<Kind | undefined> {
  const members = memberMap(archive);
  if (members.has('oci-layout') && members.has('index.json')) return 'oci-layout';
  const manifest = members.get('manifest.json');
  if (!manifest || manifest.size > MAX_DOCUMENT_BYTES) return undefined;
  const head = new TextDecoder().decode(await source.read(manifest.dataOffset, Math.min(manifest.size, 4096)));
  return /^\s*\[\s*\{/.test(head) && head.includes('"Layers"') ? 'docker-archive' : undefined;
}

/** A tar that is an OCI image layout or a `docker save` archive (by its members, not its name). */
export async function isImageArchive(head: Uint8Array, source: ByteSource): Promise<boolean> {
  if (!isTar(head)) return false;
  return (await archiveKind(source, await readTar(source))) !== undefined;
}

/**
 * Image archives: the tar scan (every member, layers decompressed and scanned by content) plus the image's
 * own structure: every blob or layer file a document points to is in the archive with the stated size and
 * digest, layers are of a kind the runtime unpacks locally, and whiteouts are noted.
 */
export async function scanImageArchive(source: ByteSource, ctx: ScanContext): Promise<ScanOutcome> {
  const archive = await readTar(source);
  const kind = await archiveKind(source, archive);
  const tar = await scanTar(source, ctx);
  const members = memberMap(archive);
  const check = new ImageCheck(source, members, ctx);
  if (kind === 'oci-layout') await check.ociLayout();
  else await check.dockerArchive();
  return combine(kind ?? 'oci-layout', tar, check.findings, ctx);
}

/** The router's "empty file: nothing to check" finding. */
const EMPTY_FILE = 'MG-SCAN-905';
const WHITEOUT_MEMBER = /(^|[/!])\.wh\.[^/!]*$/;

/**
 * Whiteouts are empty marker files by definition (layer.md): the runtime deletes the named file and never
 * reads the marker. When the only thing that kept the tar scan from benign is such markers being empty,
 * the archive's members were all verified.
 */
function memberVerdict(tar: ScanOutcome): ScanOutcome['verdict'] {
  if (tar.verdict !== 'unverified') return tar.verdict;
  const whiteoutOnly = tar.findings.every(
    (f) => (f.code === EMPTY_FILE && WHITEOUT_MEMBER.test(f.member ?? '')) || verdictOfFinding(f) === 'benign',
  );
  return whiteoutOnly && tar.findings.length > 0 ? 'benign' : tar.verdict;
}

function combine(format: string, tar: ScanOutcome, own: ScanFinding[], ctx: ScanContext): ScanOutcome {
  const located = own.map((f) => (ctx.memberPath ? { ...f, member: f.member ?? ctx.memberPath } : f));
  const verdict = worstVerdict([memberVerdict(tar), ...located.map(verdictOfFinding)]);
  const findings = [...located, ...tar.findings];
  if (verdict === 'benign') return { format, verdict, findings };
  const mine = located.find((f) => verdictOfFinding(f) === verdict);
  const reason = mine ? `${format}: ${mine.detail}` : (tar.reason ?? verdict);
  return { format, verdict, reason, findings };
}

class ImageCheck {
  readonly findings: ScanFinding[] = [];
  private readonly checked = new Set<string>();

  constructor(
    private readonly source: ByteSource,
    private readonly members: Map<string, TarEntry>,
    private readonly ctx: ScanContext,
  ) {}

  async ociLayout(): Promise<void> {
    const index = await this.document('index.json', ImageIndex);
    if (index) await this.index(index, 'index.json', 0);
  }

  async dockerArchive(): Promise<void> {
    const manifest = await this.document('manifest.json', DockerManifest);
    for (const image of manifest ?? []) {
      for (const path of [image.Config, ...image.Layers]) {
        if (unsafePath(path))
          this.add('ociDescriptorInvalid', `manifest.json points to "${path}", outside the archive`);
        else if (!this.members.has(path))
          this.add('ociMissingBlob', `manifest.json names "${path}", which is not in the archive`);
      }
      for (const layer of image.Layers) if (this.members.has(layer)) await this.whiteouts(layer);
    }
  }

  private add(key: Parameters<typeof legacyFinding>[0], detail: string, member?: string): void {
    this.findings.push(legacyFinding(key, detail, member ? { member } : {}));
  }

  /** Reads and validates a JSON document member; undefined (with a finding) when it cannot. */
  private async document<T>(path: string, schema: Parameters<typeof parseDocument<T>>[1]): Promise<T | undefined> {
    const entry = this.members.get(path);
    if (!entry) {
      this.add('ociMissingBlob', `${path} is not in the archive`);
      return undefined;
    }
    if (entry.size > MAX_DOCUMENT_BYTES) {
      this.add('ociTooLarge', `${path} is ${entry.size} bytes`, path);
      return undefined;
    }
    try {
      return parseDocument(DECODER.decode(await this.source.read(entry.dataOffset, entry.size)), schema, path);
    } catch (error) {
      const message = error instanceof FormatError ? error.message : `${path} is not UTF-8 text`;
      this.add('ociDescriptorInvalid', message, path);
      return undefined;
    }
  }

  private async index(index: ImageIndex, where: string, depth: number): Promise<void> {
    for (const d of index.manifests) {
      const path = await this.blob(d, where);
      if (!path) continue;
      if (INDEX_TYPES.has(d.mediaType)) {
        if (depth >= MAX_INDEX_DEPTH)
          this.add('ociTooLarge', `indexes nested deeper than ${MAX_INDEX_DEPTH} at ${path}`);
        else {
          const nested = await this.document(path, ImageIndex);
          if (nested) await this.index(nested, path, depth + 1);
        }
        continue;
      }
      const manifest = await this.document(path, ImageManifest);
      if (manifest) await this.manifest(manifest, path);
    }
  }

  private async manifest(manifest: ImageManifest, where: string): Promise<void> {
    await this.blob(manifest.config, where);
    for (const layer of manifest.layers) {
      if (layer.urls && layer.urls.length > 0) {
        this.add('ociRemoteLayer', `${where}: layer ${layer.digest} is fetched from ${layer.urls[0]}`);
        if (!this.members.has(blobPath(layer.digest))) continue;
      } else if (!TAR_LAYER_TYPES.has(layer.mediaType)) {
        this.add(
          'ociRemoteLayer',
          `${where}: layer ${layer.digest} has media type ${layer.mediaType}, which is not opened`,
        );
      }
      const path = await this.blob(layer, where);
      if (path) await this.whiteouts(path);
    }
  }

  /** The blob a descriptor points to: present, of the stated size, and (when small) of the stated digest. */
  private async blob(d: Descriptor, where: string): Promise<string | undefined> {
    const path = blobPath(d.digest);
    const entry = this.members.get(path);
    if (!entry) {
      this.add('ociMissingBlob', `${where} points to ${d.digest}, which is not in the archive`);
      return undefined;
    }
    if (entry.size !== d.size) {
      this.add(
        'ociMissingBlob',
        `${where} says ${d.digest} has ${d.size} bytes; the archive holds ${entry.size}`,
        path,
      );
      return undefined;
    }
    if (entry.size <= MAX_DOCUMENT_BYTES && d.digest.startsWith('sha256:') && !this.checked.has(path)) {
      this.checked.add(path);
      const actual = await sha256Hex(await this.source.read(entry.dataOffset, entry.size));
      if (`sha256:${actual}` !== d.digest)
        this.add('ociMissingBlob', `${path} does not hash to its name (sha256:${actual})`, path);
    }
    return path;
  }

  /** Whiteout entries of a layer (layer.md "Whiteouts"): `.wh.<name>` and the opaque `.wh..wh..opq`. */
  private async whiteouts(path: string): Promise<void> {
    const entry = this.members.get(path)!;
    const layer = await this.layerTar(sliceSource(this.source, entry.dataOffset, entry.size, path));
    if (!layer) return;
    const names = layer.entries.map((e) => e.name).filter((n) => /(^|\/)\.wh\./.test(n));
    if (names.length > 0)
      this.add('ociWhiteout', `${path} removes ${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}`, path);
  }

  /** The layer's tar (its nested scan already reported anything wrong with it; here only names are needed). */
  private async layerTar(layer: ByteSource): Promise<TarArchive | undefined> {
    try {
      const head = await layer.read(0, 512);
      if (isTar(head)) return await readTar(layer);
      if (compressionKind(head) !== 'gzip') return undefined;
      const budget = this.ctx.budget;
      const result = await decompress(layer, 'gzip', {
        maxBytes: budget.maxMemberBytes,
        allowance: () => budget.maxInflatedBytes - budget.used.inflatedBytes,
        spend: (n) => (budget.used.inflatedBytes += n),
      });
      return result.status === 'ok' ? await readTar(memorySource(layer.name, result.bytes)) : undefined;
    } catch {
      return undefined;
    }
  }
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes.slice()));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** A standalone `index.json` or manifest: valid documents are benign (their blobs are separate files). */
export async function scanOciDocument(source: ByteSource, ctx: ScanContext): Promise<ScanOutcome> {
  if (source.size > MAX_DOCUMENT_BYTES)
    return validatorOutcome('oci-index', [legacyFinding('ociTooLarge', `${source.size} bytes`)], ctx);
  try {
    const doc = parseOciDocument(DECODER.decode(await source.read(0, source.size)));
    const format = doc.kind === 'index' ? 'oci-index' : 'oci-manifest';
    return validatorOutcome(format, [], ctx);
  } catch (error) {
    const message = error instanceof FormatError ? error.message : 'the document is not UTF-8 JSON';
    return validatorOutcome('oci-index', [legacyFinding('ociDescriptorInvalid', message)], ctx);
  }
}
