import { z } from 'zod';
import type { ByteSource } from '../io/byte-source.ts';
import { parseStrictJson } from '../formats/strict-json.ts';
import { FormatError } from '../formats/format-error.ts';
import { extractMember, type ZipArchive, type ZipEntry } from '../formats/zip.ts';
import { catalogFinding } from './format-catalog.ts';
import { PACKAGE_CODES } from './package-codes.ts';
import { pythonDangers } from './python-source-rules.ts';
import type { ScanContext, ScanFinding, ScanOutcome } from './types.ts';
import { validatorOutcome } from './validator-outcome.ts';
import { utf8 } from './yaml-findings.ts';

/**
 * TorchServe model archives (torch-model-archiver, https://github.com/pytorch/serve/tree/master/model-archiver):
 * a ZIP whose MAR-INF/MANIFEST.json names the handler, the model definition file and the requirements that
 * TorchServe imports (or pip-installs) when it registers the model. The serialized weights are ordinary members,
 * scanned by the ZIP scanner like any other.
 */
export const MAR_MANIFEST = 'MAR-INF/MANIFEST.json';

/** Manifests are a few hundred bytes. */
const MAX_MANIFEST_BYTES = 1 << 20;
/** Python files whose first bytes are read for the evidence and the heuristic. */
const MAX_PY_FILES = 50;
const PY_READ_BYTES = 256 << 10;
const EVIDENCE_LINES = 8;

const ManifestSchema = z
  .object({
    runtime: z.string().optional(),
    archiverVersion: z.string().optional(),
    model: z
      .object({
        modelName: z.string().optional(),
        serializedFile: z.string().optional(),
        handler: z.string().min(1),
        modelFile: z.string().optional(),
        requirementsFile: z.string().optional(),
      })
      .passthrough(),
  })
  .passthrough();
type Manifest = z.infer<typeof ManifestSchema>;

/**
 * Handlers TorchServe ships (ts/torch_handler/, "default handlers" of https://pytorch.org/serve/default_handlers.html):
 * named bare or by their module path.
 */
const BUILTIN_HANDLERS = new Set(['image_classifier', 'image_segmenter', 'object_detector', 'text_classifier']);

function isBuiltinHandler(handler: string): boolean {
  const module = handler.replace(/^ts\.torch_handler\./, '').split(':')[0]!;
  return BUILTIN_HANDLERS.has(module);
}

/** A manifest on its own (an archive member, or the manifest of a `--archive-format no-archive` folder). */
export async function scanTorchServeManifest(source: ByteSource, ctx: ScanContext): Promise<ScanOutcome> {
  return validatorOutcome('torchserve-manifest', await manifestFindings(source), ctx);
}

async function manifestFindings(source: ByteSource): Promise<ScanFinding[]> {
  const parsed = await readManifest(source);
  if (typeof parsed === 'string') return [catalogFinding(PACKAGE_CODES, 'marManifestMalformed', parsed)];
  return codeFindings(parsed);
}

async function readManifest(source: ByteSource): Promise<Manifest | string> {
  if (source.size > MAX_MANIFEST_BYTES) return `manifest is ${source.size} bytes, over ${MAX_MANIFEST_BYTES}`;
  const text = utf8(await source.read(0, source.size));
  if (text === undefined) return 'manifest is not UTF-8 text';
  try {
    const { value, duplicates } = parseStrictJson(text, { maxDepth: 32 });
    if (duplicates.length > 0) return `manifest repeats the key '${duplicates[0]!.key}'`;
    const manifest = ManifestSchema.safeParse(value);
    if (!manifest.success)
      return `manifest: ${manifest.error.issues[0]?.message ?? 'wrong layout'} at ${manifest.error.issues[0]?.path.join('.')}`;
    return manifest.data;
  } catch (e) {
    if (e instanceof FormatError) return `manifest is not valid JSON: ${e.message}`;
    throw e;
  }
}

function codeFindings(manifest: Manifest): ScanFinding[] {
  const { handler, modelFile, requirementsFile } = manifest.model;
  const evidence = { handler, modelFile, requirementsFile, serializedFile: manifest.model.serializedFile };
  const findings: ScanFinding[] = [];
  if (isBuiltinHandler(handler)) {
    findings.push(catalogFinding(PACKAGE_CODES, 'marBuiltinHandler', `handler '${handler}'`, { evidence }));
  } else {
    const detail = `handler '${handler}' is imported and run by TorchServe`;
    findings.push(catalogFinding(PACKAGE_CODES, 'marHandlerCode', detail, { evidence }));
  }
  if (modelFile) {
    const detail = `model file '${modelFile}' is imported to build the model`;
    findings.push(catalogFinding(PACKAGE_CODES, 'marHandlerCode', detail, { evidence }));
  }
  if (requirementsFile) {
    const detail = `requirements '${requirementsFile}' are pip-installed when install_py_dep_per_model is on`;
    findings.push(catalogFinding(PACKAGE_CODES, 'marHandlerCode', detail, { evidence }));
  }
  return findings;
}

/**
 * The Python code of a `.mar` (called by the ZIP scanner for an archive with a MAR-INF/MANIFEST.json): every
 * `.py` member is shown (name and first lines) and is at least suspicious; one that obviously runs programs,
 * evaluates code or downloads (python-source-rules.ts) is malicious.
 */
export async function scanMarCode(source: ByteSource, archive: ZipArchive, ctx: ScanContext): Promise<ScanOutcome> {
  const python = archive.entries.filter((e) => /\.py$/i.test(e.name) && !e.name.endsWith('/'));
  const findings = await archiveManifestFindings(source, archive, ctx);
  for (const entry of python.slice(0, MAX_PY_FILES)) findings.push(...(await pythonFindings(source, entry, ctx)));
  if (python.length > MAX_PY_FILES) {
    const detail = `${python.length - MAX_PY_FILES} more Python files are not listed`;
    findings.push(catalogFinding(PACKAGE_CODES, 'marPythonSource', detail));
  }
  return validatorOutcome('torchserve-mar', findings, ctx);
}

/** zipfile (what TorchServe extracts with) keeps the last of duplicate names; the ZIP rules report duplicates. */
async function archiveManifestFindings(
  source: ByteSource,
  archive: ZipArchive,
  ctx: ScanContext,
): Promise<ScanFinding[]> {
  const entry = archive.entries.filter((e) => e.name === MAR_MANIFEST).pop();
  const member = ctx.memberPath ? `${ctx.memberPath}!${MAR_MANIFEST}` : MAR_MANIFEST;
  const data = entry ? await extract(source, entry, ctx) : undefined;
  const findings = data
    ? await manifestFindings(data)
    : [catalogFinding(PACKAGE_CODES, 'marManifestMalformed', `${MAR_MANIFEST} could not be extracted`)];
  return findings.map((f) => ({ ...f, member }));
}

async function pythonFindings(source: ByteSource, entry: ZipEntry, ctx: ScanContext): Promise<ScanFinding[]> {
  const member = ctx.memberPath ? `${ctx.memberPath}!${entry.name}` : entry.name;
  const text = await readHead(source, entry, ctx);
  const lines = (text ?? '')
    .split(/\r?\n/)
    .slice(0, EVIDENCE_LINES)
    .map((l) => l.slice(0, 160));
  const evidence = { file: entry.name, bytes: entry.uncompressedSize, firstLines: lines };
  const shown = text === undefined ? 'could not be read for the evidence' : `starts: ${lines.slice(0, 3).join(' | ')}`;
  const findings = [
    catalogFinding(PACKAGE_CODES, 'marPythonSource', `${entry.name} (${entry.uncompressedSize} bytes) ${shown}`, {
      member,
      evidence,
    }),
  ];
  for (const danger of pythonDangers(text ?? '')) {
    const detail = `${entry.name} line ${danger.line}: ${danger.what}: ${danger.text}`;
    findings.push(catalogFinding(PACKAGE_CODES, 'marPythonDangerous', detail, { member, evidence }));
  }
  return findings;
}

async function readHead(source: ByteSource, entry: ZipEntry, ctx: ScanContext): Promise<string | undefined> {
  const data = await extract(source, entry, ctx);
  return data ? new TextDecoder('utf-8').decode(await data.read(0, PY_READ_BYTES)) : undefined;
}

/** The member's bytes within the scan's inflate budget, or undefined when they cannot be had. */
async function extract(source: ByteSource, entry: ZipEntry, ctx: ScanContext): Promise<ByteSource | undefined> {
  const budget = ctx.budget;
  const data = await extractMember(source, entry, {
    maxBytes: Math.min(budget.maxMemberBytes, 64 << 20),
    allowance: () => budget.maxInflatedBytes - budget.used.inflatedBytes,
    spend: (n) => (budget.used.inflatedBytes += n),
    maxCrcBytes: 0,
  });
  return data.status === 'ok' ? data.source : undefined;
}
