import type { Manifest, ManifestEntry, ManifestProblem } from './manifest.ts';

/**
 * SHA256SUMS as GNU coreutils `sha256sum` writes it:
 *   `<64 hex> <' '|'*'><name>`   text (' ') or binary ('*') mode; the digest is the same either way
 *   `\<64 hex>  <escaped name>`   a leading backslash when the name holds `\`, newline or CR, which are
 *                                 then written `\\`, `\n`, `\r` (coreutils digest.c, since 8.x / 9.x)
 *   `SHA256 (<name>) = <64 hex>`  the `--tag` (BSD) form, escaped the same way
 * plus `<hex> <name>` with a single space (BSD `sha256 -r`), which `sha256sum -c` also accepts. Lines
 * starting with `#` are comments (coreutils skips them); CRLF files from Windows are accepted.
 */

export interface ParsedSums {
  entries: ManifestEntry[];
  problems: ManifestProblem[];
}

const TAGGED = /^SHA256 \((.*)\) = ([0-9A-Fa-f]+)$/;
const UNTAGGED = /^([0-9A-Fa-f]+) ([ *]?)(.*)$/;

export function parseSha256Sums(text: string): ParsedSums {
  const entries: ManifestEntry[] = [];
  const problems: ManifestProblem[] = [];
  const seen = new Map<string, { sha256: string; line: number }>();
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    const parsed = parseLine(raw.endsWith('\r') ? raw.slice(0, -1) : raw);
    if (parsed === null) return;
    if ('error' in parsed) return void problems.push({ line, message: parsed.error });
    const earlier = seen.get(parsed.path);
    if (earlier && earlier.sha256 !== parsed.sha256) {
      problems.push({ line, message: `${parsed.path} has a different digest on line ${earlier.line}` });
      return;
    }
    if (earlier) return;
    seen.set(parsed.path, { sha256: parsed.sha256, line });
    entries.push({ path: parsed.path, sha256: parsed.sha256 });
  });
  return { entries, problems };
}

type LineResult = { path: string; sha256: string } | { error: string } | null;

function parseLine(line: string): LineResult {
  if (line.trim() === '' || line.startsWith('#')) return null;
  const escaped = line.startsWith('\\');
  const body = escaped ? line.slice(1) : line;
  const tagged = TAGGED.exec(body);
  const untagged = tagged ? null : UNTAGGED.exec(body);
  const hex = tagged?.[2] ?? untagged?.[1];
  const rawName = tagged?.[1] ?? untagged?.[3];
  if (hex === undefined || rawName === undefined) return { error: 'not in the sha256sum format' };
  if (hex.length !== 64) return { error: `digest has ${hex.length} hex characters, SHA-256 has 64` };
  const name = escaped ? unescapeName(rawName) : rawName;
  if (name === null) return { error: 'invalid backslash escape in the file name' };
  const path = normalizeManifestPath(name);
  if ('error' in path) return path;
  return { path: path.path, sha256: hex.toLowerCase() };
}

/** Reverses coreutils' escaping: only `\\`, `\n` and `\r` exist; anything else is a corrupt line. */
function unescapeName(name: string): string | null {
  let out = '';
  for (let i = 0; i < name.length; i += 1) {
    const c = name[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = name[++i];
    if (next === '\\') out += '\\';
    else if (next === 'n') out += '\n';
    else if (next === 'r') out += '\r';
    else return null;
  }
  return out;
}

/**
 * Manifest names are matched against paths relative to the model root: `./` prefixes go; absolute
 * names and `..` can name nothing inside the folder, so they are reported rather than guessed at.
 */
export function normalizeManifestPath(name: string): { path: string } | { error: string } {
  let path = name;
  while (path.startsWith('./')) path = path.slice(2);
  if (path === '') return { error: 'empty file name' };
  if (path.startsWith('/')) return { error: `absolute path ${path} cannot name a file of the model` };
  const segments = path.split('/');
  if (segments.some((s) => s === '..')) return { error: `${path} points outside the model folder` };
  if (segments.some((s) => s === '' || s === '.')) return { error: `${path} is not a plain relative path` };
  return { path };
}

/** A `*.sha256` file: a bare digest names the file beside it (`x.bin.sha256` → `x.bin`). */
export function parseSha256File(text: string, fileName: string): ParsedSums {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, '').trim());
  const content = lines.filter((l) => l !== '' && !l.startsWith('#'));
  const only = content.length === 1 ? content[0] : undefined;
  if (only === undefined || !/^[0-9A-Fa-f]{64}$/.test(only)) return parseSha256Sums(text);
  const target = baseName(fileName).replace(/\.sha256$/i, '');
  if (target === '') return { entries: [], problems: [{ line: 1, message: `${fileName} names no file` }] };
  return { entries: [{ path: target, sha256: only.toLowerCase() }], problems: [] };
}

/** Files the portal and CLI treat as a SHA-256 manifest when they are dropped with the model. */
export function isSha256ManifestName(path: string): boolean {
  const name = baseName(path);
  return /^sha256sums(\.txt)?$/i.test(name) || /.\.sha256$/i.test(name);
}

/**
 * The manifest a SHA256SUMS or `*.sha256` file at `manifestPath` describes. Names in it are relative to
 * its own folder (sha256sum is run there), so they are re-rooted at the model root.
 */
export function sha256Manifest(text: string, manifestPath: string): Manifest {
  const parsed = /\.sha256$/i.test(manifestPath) ? parseSha256File(text, manifestPath) : parseSha256Sums(text);
  const slash = manifestPath.lastIndexOf('/');
  const dir = slash < 0 ? '' : manifestPath.slice(0, slash + 1);
  return {
    source: { kind: 'sha256sums', path: manifestPath },
    entries: parsed.entries.map((e) => ({ ...e, path: dir + e.path })),
    problems: parsed.problems,
  };
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
