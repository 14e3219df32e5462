import type { ByteSource } from '../io/byte-source.ts';
import { UnsupportedLayoutError } from '../formats/format-error.ts';
import { readTorch7, T7ReadError, type T7Contents } from '../formats/torch7.ts';
import { legacyFinding } from './legacy-format-codes.ts';
import type { ScanContext, ScanFinding, ScanOutcome } from './types.ts';
import { validatorOutcome } from './validator-outcome.ts';

export { isTorch7 } from '../formats/torch7.ts';

/**
 * Torch packages whose classes torch.load may build: the torch7 core (tensors, storages) and the official
 * nn family. Their read methods are torch7's own C code or the default "read the fields as a table".
 */
const TORCH_NAMESPACES = /^(torch|nn|cunn|cudnn|nngraph)\.[A-Za-z_][A-Za-z0-9_]*$/;

/** Torch7 `.t7`: serialized Lua functions are code; classes outside Torch and nn run their package's code. */
export async function scanTorch7(source: ByteSource, ctx: ScanContext): Promise<ScanOutcome> {
  let contents: T7Contents;
  try {
    contents = await readTorch7(source);
  } catch (error) {
    if (!(error instanceof T7ReadError)) throw error;
    return validatorOutcome('torch7', [...torch7Findings(error.contents), stopped(error)], ctx);
  }
  return validatorOutcome('torch7', torch7Findings(contents), ctx);
}

/**
 * Why the read stopped. After a class outside Torch and nn, the stream's layout is that class's read method's
 * to decide: not following it is "could not verify", not "malformed". What was read before still counts
 * (a function before a broken part is still code).
 */
function stopped(error: T7ReadError): ScanFinding {
  const foreign = [...error.contents.classes.keys()].some((c) => !TORCH_NAMESPACES.test(c));
  if (error.cause instanceof UnsupportedLayoutError || foreign) return legacyFinding('t7NotFollowed', error.message);
  return legacyFinding('t7Invalid', error.message, { offset: error.cause.offset });
}

export function torch7Findings(contents: T7Contents): ScanFinding[] {
  const findings: ScanFinding[] = [];
  for (const f of contents.functions.slice(0, 10)) {
    findings.push(
      legacyFinding(
        't7Function',
        `a serialized Lua function (${f.bytecodeBytes} bytes of ${describeDump(f.signature)}) that torch.load passes to loadstring`,
        { offset: f.offset },
      ),
    );
  }
  const foreign = [...contents.classes.keys()].filter((c) => !TORCH_NAMESPACES.test(c));
  for (const className of foreign.slice(0, 10)) {
    findings.push(
      legacyFinding('t7ForeignClass', `torch.load builds a "${className}" object with that class's read method`),
    );
  }
  return findings;
}

function describeDump(signature: string): string {
  if (signature.startsWith('\x1bLJ')) return 'LuaJIT bytecode';
  if (signature.startsWith('\x1bLua')) return 'Lua bytecode';
  return 'Lua source text or other data';
}
