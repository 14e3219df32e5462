import { checkProvenance, type ProvenanceResult, type TextFile } from './check.ts';
import { isDatasetCardPath } from './dataset-card.ts';

/**
 * Which of a model folder's files the provenance check reads, and how much of each. The CLI and
 * the Verify page both call this, so they read the same files and report the same findings.
 */
export const MAX_CARD_BYTES = 4 << 20;
/** tokenizer.json holds the whole vocabulary (a 256k-token one is ~30 MB). */
export const MAX_TOKENIZER_BYTES = 64 << 20;
/** More text files than this are not one model's cards: the shallowest are read. */
export const MAX_PROVENANCE_FILES = 200;

export interface ProvenanceInput {
  path: string;
  /** The most bytes this file may hold to be read. */
  maxBytes: number;
}

const norm = (p: string) => p.replace(/\\/g, '/').replace(/^\.\//, '');
const depth = (p: string) => norm(p).split('/').length;

/** The limit for a provenance input, or undefined when the file is not one. */
function limitFor(path: string): number | undefined {
  const p = norm(path);
  const base = (p.split('/').pop() ?? '').toLowerCase();
  if (base === 'tokenizer.json') return MAX_TOKENIZER_BYTES;
  if (base === 'config.json' || base === 'readme.md' || isDatasetCardPath(p)) return MAX_CARD_BYTES;
  return undefined;
}

/**
 * The model card (any README.md), dataset cards and datasheets, config.json and tokenizer.json among
 * `files`, shallowest first, each within its size limit. Empty when the folder has none of them: the
 * provenance check is then skipped (a lone weight file has no card to check).
 */
export function provenanceInputs(files: readonly { path: string; size: number }[]): {
  read: ProvenanceInput[];
  /** Inputs left unread because they are larger than their limit. */
  tooLarge: ProvenanceInput[];
} {
  const read: ProvenanceInput[] = [];
  const tooLarge: ProvenanceInput[] = [];
  const sorted = [...files].sort((a, b) => depth(a.path) - depth(b.path) || (a.path < b.path ? -1 : 1));
  for (const f of sorted) {
    const maxBytes = limitFor(f.path);
    if (maxBytes === undefined) continue;
    if (f.size > maxBytes) tooLarge.push({ path: norm(f.path), maxBytes });
    else if (read.length < MAX_PROVENANCE_FILES) read.push({ path: norm(f.path), maxBytes });
  }
  return { read, tooLarge };
}

export interface FolderText {
  files: readonly { path: string; size: number }[];
  /** Reads one file as UTF-8 text (File.text() in the browser, readFile in Node). */
  readText: (path: string) => Promise<string>;
}

/**
 * The provenance check over a model folder (and the declared base's folder, when given): reads the inputs
 * `provenanceInputs` picks and runs `checkProvenance`. Undefined when the folder holds none of them.
 */
export async function checkFolderProvenance(
  model: FolderText,
  base?: FolderText,
): Promise<ProvenanceResult | undefined> {
  const read = async (folder: FolderText): Promise<TextFile[]> =>
    Promise.all(
      provenanceInputs(folder.files).read.map(async ({ path }) => ({ path, text: await folder.readText(path) })),
    );
  const files = await read(model);
  if (files.length === 0) return undefined;
  return checkProvenance({ files, ...(base ? { baseFiles: await read(base) } : {}) });
}
