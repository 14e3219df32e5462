import type { ByteSource } from '../io/byte-source.ts';
import { isZip, scanZip } from './scan-zip.ts';
import { compressionKind, scan7z, scanCompressed } from './scan-compressed.ts';
import { isTar, scanTar } from './scan-tar.ts';
import { isNpy, scanNpy } from './scan-npy.ts';
import { isTorchLegacy, scanTorchLegacy } from './scan-torch-legacy.ts';
import { looksLikePickle, scanPickle } from './scan-pickle.ts';
import { scanSafetensors } from './scan-safetensors.ts';
import { scanGguf } from './scan-gguf.ts';
import { scanOnnx } from './scan-onnx.ts';
import { scanHdf5, scanKerasConfig } from './scan-keras.ts';
import { looksLikeSafetensors } from '../formats/safetensors.ts';
import { isGguf } from '../formats/gguf.ts';
import { looksLikeOnnx } from '../formats/onnx.ts';
import { isHdf5 } from '../formats/hdf5.ts';
import { looksLikeKerasConfig } from '../formats/keras.ts';
import type { FormatHandler } from './router.ts';
import { isTorch7, scanTorch7 } from './scan-torch7.ts';
import { isRSerialized, scanR } from './scan-r.ts';
import { isImageArchive, looksLikeOciDocument, scanImageArchive, scanOciDocument } from './scan-oci.ts';
import { isMxnetParams, looksLikeMxnetSymbol, scanMxnetParams, scanMxnetSymbol } from './scan-mxnet.ts';

/** The ZIP end-of-central-directory record sits in the last 64 KiB + 22 bytes (APPNOTE 4.3.16). */
const EOCD_SEARCH = 65_557;

/**
 * Loaders find a ZIP from its end (PyTorch's miniz included), so a file that starts as something else
 * but ends with a central directory is also a ZIP to them: a polyglot (techniques 38, 39).
 */
async function hasZipEocd(source: ByteSource): Promise<boolean> {
  const start = Math.max(0, source.size - EOCD_SEARCH);
  const tail = await source.read(start, source.size - start);
  for (let i = tail.byteLength - 22; i >= 0; i--) {
    if (tail[i] === 0x50 && tail[i + 1] === 0x4b && tail[i + 2] === 0x05 && tail[i + 3] === 0x06) return true;
  }
  return false;
}

/** Every format the scanner knows, sniffed by content only (technique 1: never by extension). */
export const HANDLERS: readonly FormatHandler[] = [
  { format: 'zip', sniff: async (head, source) => isZip(head) || (await hasZipEocd(source)), scan: scanZip },
  { format: '7z', sniff: (head) => compressionKind(head) === '7z', scan: scan7z },
  {
    format: 'compressed',
    sniff: (head) => {
      const kind = compressionKind(head);
      return kind !== null && kind !== '7z';
    },
    scan: scanCompressed,
  },
  { format: 'tar', sniff: (head) => isTar(head), scan: scanTar },
  { format: 'npy', sniff: (head) => isNpy(head), scan: scanNpy },
  { format: 'gguf', sniff: (head) => isGguf(head), scan: scanGguf },
  { format: 'hdf5', sniff: (head) => isHdf5(head), scan: scanHdf5 },
  { format: 'safetensors', sniff: (head, source) => looksLikeSafetensors(head, source.size), scan: scanSafetensors },
  { format: 'onnx', sniff: (head) => looksLikeOnnx(head), scan: scanOnnx },
  { format: 'pytorch-legacy', sniff: (head) => isTorchLegacy(head), scan: scanTorchLegacy, includes: ['pickle'] },
  { format: 'pickle', sniff: (head) => looksLikePickle(head), scan: scanPickle },
  { format: 'keras-config', sniff: (head) => looksLikeKerasConfig(head), scan: scanKerasConfig },
  { format: 'torch7', sniff: (head) => isTorch7(head), scan: scanTorch7 },
  { format: 'r-serialized', sniff: (head) => isRSerialized(head), scan: scanR },
  { format: 'mxnet-symbol', sniff: (head) => looksLikeMxnetSymbol(head), scan: scanMxnetSymbol },
  { format: 'mxnet-params', sniff: (head) => isMxnetParams(head), scan: scanMxnetParams },
  { format: 'image-archive', sniff: isImageArchive, scan: scanImageArchive, includes: ['tar'] },
  { format: 'oci-document', sniff: (head) => looksLikeOciDocument(head), scan: scanOciDocument },
];
