import type { ByteSource } from '../io/byte-source.ts';
import { FormatError, UnsupportedLayoutError } from '../formats/format-error.ts';
import { readRSerialized, RReadError, rStreamHead, type RCode, type RContents } from '../formats/r-serialize.ts';
import { legacyFinding } from './legacy-format-codes.ts';
import type { ScanContext, ScanFinding, ScanOutcome } from './types.ts';
import { validatorOutcome } from './validator-outcome.ts';

export { isRSerialized } from '../formats/r-serialize.ts';

/**
 * R functions whose call runs a command, opens a pipe, socket, URL or file, downloads, evaluates text, loads
 * code or native libraries, or calls a function named by a string (which hides what it runs). Names are
 * matched bare and as `pkg::name`. `.Call` and its kin are not here: base R's own closures use them for their
 * compiled routines (every glm family's link functions call `.Call(C_logit_link, …)`), so a closure that
 * calls them is code (suspicious), not proof of an attack.
 */
const RUNS_COMMANDS = new Set([
  'system',
  'system2',
  'shell',
  'shell.exec',
  'pipe',
  'socketConnection',
  'url',
  'download.file',
  'file',
  'gzfile',
  'unz',
  'source',
  'sys.source',
  'eval',
  'evalq',
  'parse',
  'str2lang',
  'str2expression',
  '.Internal',
  'dyn.load',
  'library.dynam',
  'Sys.setenv',
  'unlink',
  'file.remove',
  'writeLines',
  'writeBin',
  'readLines',
  'readRDS',
  'load',
  'library',
  'require',
  'loadNamespace',
  'requireNamespace',
  'attachNamespace',
  'do.call',
  'get',
  'get0',
  'mget',
  'match.fun',
  'getFromNamespace',
  'assign',
  'makeActiveBinding',
  'reg.finalizer',
]);

/** The packages of a base R installation: loading their namespaces runs R's own code. */
const BASE_PACKAGES = new Set([
  'base',
  'stats',
  'utils',
  'methods',
  'graphics',
  'grDevices',
  'datasets',
  'tools',
  'grid',
  'splines',
  'stats4',
  'parallel',
  'compiler',
  'tcltk',
]);

function bareName(call: string): string {
  const i = call.lastIndexOf(':');
  return i >= 0 ? call.slice(i + 1) : call;
}

function dangerousCalls(code: RCode): string[] {
  return [...code.calls].filter((c) => RUNS_COMMANDS.has(bareName(c)));
}

/** RDS / RData (also reached gzip-, bzip2- or xz-compressed through the compression handler). */
export async function scanR(source: ByteSource, ctx: ScanContext): Promise<ScanOutcome> {
  const format = rStreamHead(await source.read(0, 64))?.rdata ? 'rdata' : 'rds';
  let contents: RContents;
  try {
    contents = await readRSerialized(source);
  } catch (error) {
    // Code read before the stream broke still counts: the worst verdict wins.
    if (error instanceof RReadError)
      return validatorOutcome(format, [...rFindings(error.contents), ...stopFinding(error.cause)], ctx);
    return validatorOutcome(format, stopFinding(error), ctx);
  }
  return validatorOutcome(format, rFindings(contents), ctx);
}

/** Why the read stopped: a part of the format not followed (or a limit), or a malformed stream. */
function stopFinding(error: unknown): ScanFinding[] {
  if (error instanceof UnsupportedLayoutError) return [legacyFinding('rNotFollowed', error.message)];
  if (error instanceof FormatError) return [legacyFinding('rInvalid', error.message, { offset: error.offset })];
  throw error;
}

export function rFindings(contents: RContents): ScanFinding[] {
  const findings: ScanFinding[] = [];
  for (const code of contents.code) {
    const bad = dangerousCalls(code);
    const calls = [...code.calls].slice(0, 12).join(', ') || 'no function';
    if (bad.length > 0)
      findings.push(
        legacyFinding('rCodeRunsCommand', `${article(code.kind)} ${code.kind} that calls ${bad.join(', ')}`, {
          offset: code.offset,
        }),
      );
    else
      findings.push(
        legacyFinding('rCode', `${article(code.kind)} ${code.kind} that calls ${calls}`, { offset: code.offset }),
      );
  }
  for (const lang of contents.language) {
    const bad = dangerousCalls(lang);
    if (bad.length > 0)
      findings.push(
        legacyFinding('rLanguageCallsCommand', `an expression that calls ${bad.join(', ')}`, { offset: lang.offset }),
      );
    else
      findings.push(legacyFinding('rLanguageData', `expressions calling ${[...lang.calls].slice(0, 12).join(', ')}`));
  }
  for (const at of contents.externalPointers.slice(0, 5))
    findings.push(
      legacyFinding('rExternalPointer', 'an external pointer (restored as a null pointer)', { offset: at }),
    );
  for (const ns of contents.namespaces) {
    if (!BASE_PACKAGES.has(ns))
      findings.push(legacyFinding('rLoadsPackage', `unserialize loads the namespace "${ns}"`));
  }
  for (const cls of contents.altrepClasses) {
    if (!cls.startsWith('base::')) findings.push(legacyFinding('rLoadsPackage', `an ALTREP object of class ${cls}`));
  }
  return findings;
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}
