// RFC 6962 / RFC 9162 §2.1.3.2 Merkle inclusion proof: from leaf hash SHA-256(0x00 ‖ entry body)
// along the audit path to the root hash the log committed to.
import { bytesEqual, concatBytes, sha256 } from '../../util/bytes.ts';

export async function leafHash(body: Uint8Array): Promise<Uint8Array> {
  return sha256(concatBytes([new Uint8Array([0]), body]));
}

async function nodeHash(left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  return sha256(concatBytes([new Uint8Array([1]), left, right]));
}

/** The root the audit path leads to, or undefined when the path does not fit index/treeSize. */
export async function rootFromInclusionProof(
  index: bigint,
  treeSize: bigint,
  leaf: Uint8Array,
  path: readonly Uint8Array[],
): Promise<Uint8Array | undefined> {
  if (index < 0n || index >= treeSize) return undefined;
  let fn = index;
  let sn = treeSize - 1n;
  let r = leaf;
  for (const p of path) {
    if (p.length !== 32 || sn === 0n) return undefined;
    if ((fn & 1n) === 1n || fn === sn) {
      r = await nodeHash(p, r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n ? r : undefined;
}

export async function verifyInclusion(
  index: bigint,
  treeSize: bigint,
  leaf: Uint8Array,
  path: readonly Uint8Array[],
  rootHash: Uint8Array,
): Promise<boolean> {
  const root = await rootFromInclusionProof(index, treeSize, leaf, path);
  return root !== undefined && bytesEqual(root, rootHash);
}
