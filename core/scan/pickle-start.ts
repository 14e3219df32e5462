import type { ByteSource } from '../io/byte-source.ts';
import { emulate, type EmulationResult } from '../formats/pickle/emulator.ts';

/**
 * Would a pickle loader pointed at these bytes import or call anything before it stops? `torch.load` on a
 * file that is not a ZIP, `pickle.load` and `joblib.load` start executing opcodes from the first byte,
 * whatever the file name or the format the bytes also are (a safetensors header whose length bytes are
 * chosen as opcodes, a text file that starts with `c`). The emulator follows the same grammar as CPython's
 * unpicklers, so this answers exactly where a sniffer of the first bytes can only guess.
 *
 * - `runs`: an import or call is reached: the file must be scanned as a pickle, whatever else it is.
 * - `inert`: the loader stops (or ends) without importing or calling anything.
 * - `unfollowed`: the opcodes run on past what this check reads: it cannot say (fail closed).
 */
export type PickleStart = 'runs' | 'inert' | 'unfollowed';

/** Windows read in turn when the opcodes run past the previous one (a BINSTRING can jump 4 GiB ahead). */
const WINDOWS = [4096, 1 << 20, 16 << 20, 64 << 20];
/** Ops of the check itself, separate from the file's scan budget; past it the file is scanned as a pickle. */
const CHECK_OPS = 200_000;
/** Stacked pickles a multi-pickle loader (torch legacy) reads before the one that matters. */
const MAX_STACKED = 8;

export async function pickleStart(source: ByteSource, head: Uint8Array): Promise<PickleStart> {
  let window = head;
  for (const size of WINDOWS) {
    if (window.byteLength < Math.min(size, source.size)) window = await source.read(0, Math.min(size, source.size));
    const verdict = followStack(window, window.byteLength >= source.size);
    if (verdict !== 'more') return verdict;
  }
  return 'unfollowed';
}

/** Follows contiguous stacked pickles from offset 0 within `bytes`; `more` when the window cut them off. */
function followStack(bytes: Uint8Array, wholeFile: boolean): PickleStart | 'more' {
  const budget = { maxPickleOps: CHECK_OPS, used: { pickleOps: 0 } };
  let pos = 0;
  for (let i = 0; i < MAX_STACKED && pos < bytes.byteLength; i++) {
    const r = emulate(bytes, pos, { budget });
    if (reached(r) || r.budgetExceeded) return 'runs';
    if (!r.completed) return !wholeFile && cutOff(r) ? 'more' : 'inert';
    pos = r.resumeAt ?? r.end;
  }
  return 'inert';
}

function reached(r: EmulationResult): boolean {
  return r.globals.length > 0 || r.calls.length > 0;
}

/** An error that only says the data ended: with more of the file, the loader would read on. */
function cutOff(r: EmulationResult): boolean {
  return r.error !== undefined && /truncated|without STOP|without a newline|runs past the end/.test(r.error.message);
}
