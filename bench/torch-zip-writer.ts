// Writes a PyTorch-style zip checkpoint with one huge stored tensor storage, for bench/scan.bench.ts.
import { open } from 'node:fs/promises';
import { crc32Table } from './crc32.ts';
import { concatBytes } from '../core/util/bytes.ts';

const enc = new TextEncoder();

/** A real torch.save-style data.pkl (protocol 2) that rebuilds one float32 tensor from storage "0". */
function dataPkl(elements: number): Uint8Array {
  const str = (s: string) => {
    const b = enc.encode(s);
    return [0x58, ...u32(b.length), ...b]; // BINUNICODE
  };
  const u32 = (n: number) => [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255];
  const glob = (m: string, n: string) => [0x63, ...enc.encode(`${m}\n${n}\n`)];
  const long = (n: number) => [0x8a, 8, ...u32(n % 2 ** 32), ...u32(Math.floor(n / 2 ** 32))]; // LONG1, 8 bytes
  return Uint8Array.from([
    0x80, 2, ...glob('collections', 'OrderedDict'), 0x29, 0x52, // OrderedDict()
    ...str('weight'),
    ...glob('torch._utils', '_rebuild_tensor_v2'), 0x28, // MARK
    0x28, ...str('storage'), ...glob('torch', 'FloatStorage'), ...str('0'), ...str('cpu'), ...long(elements), 0x74, 0x51, // BINPERSID
    0x4b, 0, // offset 0
    ...long(elements), 0x85, // size (n,)
    0x4b, 1, 0x85, // stride (1,)
    0x89, // False (requires_grad)
    ...glob('collections', 'OrderedDict'), 0x29, 0x52, // backward hooks
    0x74, 0x52, // tuple, REDUCE
    0x73, // SETITEM
    0x2e, // STOP
  ]); // prettier-ignore
}

interface Entry {
  name: string;
  size: number;
  crc: number;
  offset: number;
}

function localHeader(e: Entry): Uint8Array {
  const name = enc.encode(e.name);
  const h = new DataView(new ArrayBuffer(30));
  h.setUint32(0, 0x04034b50, true);
  h.setUint16(4, 20, true);
  h.setUint32(14, e.crc, true);
  h.setUint32(18, e.size, true);
  h.setUint32(22, e.size, true);
  h.setUint16(26, name.length, true);
  return concatBytes([new Uint8Array(h.buffer), name]);
}

function centralHeader(e: Entry): Uint8Array {
  const name = enc.encode(e.name);
  const h = new DataView(new ArrayBuffer(46));
  h.setUint32(0, 0x02014b50, true);
  h.setUint16(4, 20, true);
  h.setUint16(6, 20, true);
  h.setUint32(16, e.crc, true);
  h.setUint32(20, e.size, true);
  h.setUint32(24, e.size, true);
  h.setUint16(28, name.length, true);
  h.setUint32(42, e.offset, true);
  return concatBytes([new Uint8Array(h.buffer), name]);
}

/** Writes `path`: archive/data.pkl, archive/version and archive/data/0 (`storageBytes` of a repeating pattern). */
export async function writeTorchZip(path: string, storageBytes: number): Promise<void> {
  if (storageBytes >= 2 ** 32 || storageBytes % 4) throw new Error('storage must be < 4 GiB and a multiple of 4');
  const file = await open(path, 'w');
  try {
    const entries: Entry[] = [];
    let offset = 0;
    const put = async (name: string, data: Uint8Array) => {
      const e = { name, size: data.byteLength, crc: crc32Table(data), offset };
      const header = localHeader(e);
      await file.write(header);
      await file.write(data);
      offset += header.byteLength + data.byteLength;
      entries.push(e);
    };
    await put('archive/data.pkl', dataPkl(storageBytes / 4));
    await put('archive/version', enc.encode('3\n'));
    // The storage: written in blocks, CRC computed on the way (torch does not check it; our scanner may).
    const block = new Uint8Array(64 << 20).map((_, i) => i & 0xff);
    const e: Entry = { name: 'archive/data/0', size: storageBytes, crc: 0, offset };
    const header = localHeader(e);
    await file.write(header);
    let crc = 0;
    for (let done = 0; done < storageBytes;) {
      const n = Math.min(block.byteLength, storageBytes - done);
      const part = block.subarray(0, n);
      crc = crc32Table(part, crc);
      await file.write(part);
      done += n;
    }
    e.crc = crc;
    // Patch the CRC into the local header now that it is known.
    const fix = new DataView(new ArrayBuffer(4));
    fix.setUint32(0, crc, true);
    await file.write(new Uint8Array(fix.buffer), 0, 4, offset + 14);
    offset += header.byteLength + storageBytes;
    entries.push(e);
    const central = concatBytes(entries.map(centralHeader));
    const end = new DataView(new ArrayBuffer(22));
    end.setUint32(0, 0x06054b50, true);
    end.setUint16(8, entries.length, true);
    end.setUint16(10, entries.length, true);
    end.setUint32(12, central.byteLength, true);
    end.setUint32(16, offset, true);
    await file.write(central);
    await file.write(new Uint8Array(end.buffer));
  } finally {
    await file.close();
  }
}
