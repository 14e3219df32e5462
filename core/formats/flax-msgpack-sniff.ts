import { FormatError } from './format-error.ts';
import { MsgpackCursor } from './msgpack-cursor.ts';

/**
 * Whether the first bytes are a Flax msgpack tree. msgpack has no magic, so the test is structural and strict:
 * a non-empty top-level map with string keys whose values parse as msgpack as far as the head goes, and at
 * least one ext value (Flax stores every array as one) among them. A tree cut short or followed by more bytes
 * is still claimed, so that the scanner calls it invalid rather than unknown. Other formats fail early: a pickle
 * starts with PROTO 0x80 (an empty map followed by more bytes), npy with 0x93 (an array), safetensors and
 * HDF5 with a small map whose first key is a number, JSON/text with a printable byte (a small integer).
 */
export async function looksLikeFlaxMsgpack(head: Uint8Array, size: number): Promise<boolean> {
  const fetch = (offset: number, length: number): Promise<Uint8Array> => {
    if (offset + length > head.byteLength) return Promise.reject(new HeadEnded());
    return Promise.resolve(head.subarray(offset, offset + length));
  };
  const sniff = new SniffWalk(new MsgpackCursor(fetch, 0, size));
  try {
    await sniff.map(0);
    return sniff.sawExt;
  } catch (error) {
    if (error instanceof HeadEnded) return sniff.sawExt;
    if (error instanceof FormatError) return error.kind === 'truncated' && sniff.sawExt;
    if (error instanceof NotATree) return false;
    throw error;
  }
}

class HeadEnded extends Error {}
class NotATree extends Error {}

const MAX_DEPTH = 64;

class SniffWalk {
  sawExt = false;
  constructor(readonly cursor: MsgpackCursor) {}

  async map(depth: number): Promise<void> {
    const token = await this.cursor.next();
    if (token.kind !== 'map') throw new NotATree();
    await this.entries(token.count, depth);
  }

  private async entries(count: number, depth: number): Promise<void> {
    if (depth > MAX_DEPTH) throw new NotATree();
    for (let i = 0; i < count; i++) {
      const key = await this.cursor.next();
      if (key.kind !== 'str') throw new NotATree();
      await this.value(depth);
    }
  }

  private async value(depth: number): Promise<void> {
    const token = await this.cursor.next();
    if (token.kind === 'map') return this.entries(token.count, depth + 1);
    if (token.kind === 'array') {
      if (depth + 1 > MAX_DEPTH) throw new NotATree();
      for (let i = 0; i < token.count; i++) await this.value(depth + 1);
      return;
    }
    if (token.kind === 'ext') this.sawExt = true;
  }
}
