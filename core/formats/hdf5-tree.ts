import type { ByteSource } from '../io/byte-source.ts';
import { FormatError, UnsupportedLayoutError } from './format-error.ts';
import { decodeZ, objectHeaderMessages, openHdf5, uint, type Ctx, type RawMessage } from './hdf5.ts';

/**
 * Walks every group and dataset of an HDF5 file reachable from the root, to find what makes h5py read
 * OTHER files when a loader opens a path inside this one: external links (link message type 64), external
 * raw data storage (External Data Files message 0x0007) and virtual datasets (data layout class 3). Keras
 * reads its weights by path (keras/src/saving/saving_lib.py H5IOStore, legacy_h5_format.py), so any of these
 * is a file read at load time.
 * Old-style groups (symbol table message 0x0011: v1 B-tree + local heap, what h5py writes by default) and
 * compact new-style groups (link messages 0x0006) are followed; dense link storage (a fractal heap named by
 * a Link Info message) is not: UnsupportedLayoutError, "could not verify".
 * Spec: https://docs.hdfgroup.org/hdf5/latest/_f_m_t3.html (III.A.1 v1 B-trees, III.C symbol table nodes,
 * III.D local heaps, IV.A.2.g link info, IV.A.2.h data layout, IV.A.2.l link, IV.A.2.m external data files).
 */

const MAX_OBJECTS = 100_000;
const MAX_BTREE_NODES = 100_000;
/** Links and header messages over the whole file: a node or header named many times cannot multiply work. */
const MAX_LINKS = 1_000_000;
const MAX_MESSAGES = 2_000_000;
const MAX_SYMBOLS_PER_NODE = 4096;
const MAX_NAME = 4096;

export interface Hdf5ExternalReference {
  /** Path of the link or dataset inside this file. */
  path: string;
  kind: 'external link' | 'external storage' | 'virtual dataset';
  /** The other file (and object) it reads, when stated. */
  target: string;
}

export interface Hdf5Walk {
  objects: number;
  external: Hdf5ExternalReference[];
}

interface Budget {
  nodes: number;
  links: number;
  messages: number;
}

function spendLinks(budget: Budget, n: number): void {
  budget.links += n;
  if (budget.links > MAX_LINKS) throw new UnsupportedLayoutError(`more than ${MAX_LINKS} HDF5 links`);
}

interface Pending {
  address: number;
  path: string;
}

export async function walkHdf5(source: ByteSource): Promise<Hdf5Walk> {
  const { ctx, root } = await openHdf5(source);
  const seen = new Set<number>();
  const queue: Pending[] = [{ address: root, path: '/' }];
  const external: Hdf5ExternalReference[] = [];
  const budget: Budget = { nodes: 0, links: 0, messages: 0 };
  while (queue.length > 0) {
    const { address, path } = queue.shift()!;
    if (seen.has(address)) continue;
    seen.add(address);
    if (seen.size > MAX_OBJECTS) throw new UnsupportedLayoutError(`more than ${MAX_OBJECTS} HDF5 objects`);
    const messages = await objectHeaderMessages(ctx, address);
    budget.messages += messages.length;
    if (budget.messages > MAX_MESSAGES) throw new UnsupportedLayoutError(`more than ${MAX_MESSAGES} HDF5 messages`);
    for (const m of messages) {
      const children = await messageChildren(ctx, m, path, external, budget);
      queue.push(...children);
    }
  }
  return { objects: seen.size, external };
}

async function messageChildren(
  c: Ctx,
  m: RawMessage,
  path: string,
  external: Hdf5ExternalReference[],
  budget: Budget,
): Promise<Pending[]> {
  switch (m.type) {
    case 0x11:
      return symbolTableChildren(c, m.at, path, budget);
    case 0x06:
      spendLinks(budget, 1);
      return linkChild(c, m, path, external);
    case 0x02:
      await checkLinkInfo(c, m.at);
      return [];
    case 0x07:
      external.push({ path, kind: 'external storage', target: 'raw data in other files (External Data Files)' });
      return [];
    case 0x08:
      if (await isVirtualLayout(c, m.at)) {
        external.push({ path, kind: 'virtual dataset', target: 'data mapped from other datasets and files' });
      }
      return [];
    default:
      return [];
  }
}

function child(path: string, name: string): string {
  return path === '/' ? `/${name}` : `${path}/${name}`;
}

/** True when an address field is the "undefined address" (all bits set). */
async function isUndefined(c: Ctx, at: number): Promise<boolean> {
  return (await c.r.bytes(at, c.so)).every((b) => b === 0xff);
}

async function address(c: Ctx, at: number): Promise<number> {
  return c.base + (await uint(c, at, c.so));
}

/** Symbol table message: v1 B-tree address, local heap address. */
async function symbolTableChildren(c: Ctx, at: number, path: string, budget: Budget): Promise<Pending[]> {
  const btree = await address(c, at);
  const heap = await localHeapData(c, await address(c, at + c.so));
  const out: Pending[] = [];
  const nodes = [btree];
  const visited = new Set<number>();
  while (nodes.length > 0) {
    const node = nodes.shift()!;
    if (visited.has(node)) throw new FormatError(`HDF5 B-tree node at ${node} is reached twice`, node);
    visited.add(node);
    if (++budget.nodes > MAX_BTREE_NODES) throw new UnsupportedLayoutError(`more than ${MAX_BTREE_NODES} B-tree nodes`);
    const head = await c.r.bytes(node, 8);
    if (decodeZ(head.subarray(0, 4)) !== 'TREE') throw new FormatError(`no HDF5 B-tree node at ${node}`, node);
    if (head[4] !== 0) throw new FormatError(`HDF5 group B-tree node at ${node} has type ${head[4]}`, node);
    const level = head[5]!;
    const used = await uint(c, node + 6, 2);
    // Keys and children alternate after the two sibling addresses: key0 child0 key1 child1 … keyN.
    const first = node + 8 + 2 * c.so + c.sl;
    for (let i = 0; i < used; i++) {
      const target = await address(c, first + i * (c.so + c.sl));
      if (level > 0) nodes.push(target);
      else out.push(...(await symbolNode(c, target, heap, path, budget)));
    }
  }
  return out;
}

/** Symbol table node "SNOD": entries of (name offset in the local heap, object header address, cache type …). */
async function symbolNode(c: Ctx, at: number, heap: number, path: string, budget: Budget): Promise<Pending[]> {
  const head = await c.r.bytes(at, 8);
  if (decodeZ(head.subarray(0, 4)) !== 'SNOD') throw new FormatError(`no HDF5 symbol table node at ${at}`, at);
  const count = await uint(c, at + 6, 2);
  if (count > MAX_SYMBOLS_PER_NODE) throw new FormatError(`HDF5 symbol table node at ${at} holds ${count}`, at);
  spendLinks(budget, count);
  const size = 2 * c.so + 24;
  const out: Pending[] = [];
  for (let i = 0; i < count; i++) {
    const entry = at + 8 + i * size;
    const nameAt = heap + (await uint(c, entry, c.so));
    const name = decodeZ(await c.r.bytes(nameAt, Math.max(0, Math.min(MAX_NAME, c.r.size - nameAt))));
    const cacheType = await uint(c, entry + 2 * c.so, 4);
    if (cacheType === 2) continue; // a soft link: a path inside this file, not an object of its own
    out.push({ address: await address(c, entry + c.so), path: child(path, name) });
  }
  return out;
}

/** Local heap "HEAP": the address of its data segment, where link names are. */
async function localHeapData(c: Ctx, at: number): Promise<number> {
  const head = await c.r.bytes(at, 4);
  if (decodeZ(head) !== 'HEAP') throw new FormatError(`no HDF5 local heap at ${at}`, at);
  return address(c, at + 8 + 2 * c.sl);
}

/** Link message: hard links are followed, soft links stay inside the file, external ones are reported. */
async function linkChild(c: Ctx, m: RawMessage, path: string, external: Hdf5ExternalReference[]): Promise<Pending[]> {
  const b = await c.r.bytes(m.at, Math.min(m.size, 2));
  if (b[0] !== 1) throw new UnsupportedLayoutError(`HDF5 link message version ${b[0] ?? '?'}`);
  const flags = b[1] ?? 0;
  let p = m.at + 2;
  const type = flags & 0x08 ? (await c.r.bytes(p++, 1))[0]! : 0;
  if (flags & 0x04) p += 8;
  if (flags & 0x10) p += 1;
  const lengthSize = 1 << (flags & 3);
  const nameLength = await uint(c, p, lengthSize);
  p += lengthSize;
  if (nameLength > MAX_NAME || p + nameLength > m.at + m.size) throw new FormatError(`HDF5 link name too long`, p);
  const name = new TextDecoder().decode(await c.r.bytes(p, nameLength));
  p += nameLength;
  if (type === 0) return [{ address: await address(c, p), path: child(path, name) }];
  if (type === 1) return [];
  if (type === 64) {
    const length = Math.min(await uint(c, p, 2), MAX_NAME);
    const value = await c.r.bytes(p + 3, Math.max(0, length - 1));
    const [file = '', object = ''] = new TextDecoder().decode(value).split('\0');
    external.push({ path: child(path, name), kind: 'external link', target: `${file}:${object}` });
    return [];
  }
  throw new UnsupportedLayoutError(`HDF5 user-defined link type ${type} at ${child(path, name)}`);
}

/** Link Info message: a defined fractal heap address means dense link storage, which is not followed. */
async function checkLinkInfo(c: Ctx, at: number): Promise<void> {
  const flags = (await c.r.bytes(at + 1, 1))[0] ?? 0;
  const heapAt = at + 2 + (flags & 1 ? 8 : 0);
  if (!(await isUndefined(c, heapAt))) throw new UnsupportedLayoutError('HDF5 group with dense link storage');
}

/** Data layout message v3/v4: byte 1 is the layout class; 3 = virtual (v4 only). */
async function isVirtualLayout(c: Ctx, at: number): Promise<boolean> {
  const b = await c.r.bytes(at, 2);
  return (b[0] === 3 || b[0] === 4) && b[1] === 3;
}
