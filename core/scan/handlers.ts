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
import { isTflite } from '../formats/tflite.ts';
import { scanTflite } from './scan-tflite.ts';
import { readTensorrtHead } from '../formats/tensorrt.ts';
import { scanTensorrt } from './scan-tensorrt.ts';
import { isExecutorch } from '../formats/executorch.ts';
import { scanExecutorch } from './scan-executorch.ts';
import { looksLikeCoreml } from '../formats/coreml.ts';
import { isMilBlob } from '../formats/mil-blob.ts';
import {
  looksLikeMlpackageManifest,
  MANIFEST_SNIFF_BYTES,
  startsLikeJsonObject,
} from '../formats/mlpackage-manifest.ts';
import { scanCoreml, scanMilBlob, scanMlpackageManifest } from './scan-coreml.ts';
import { isHdf5 } from '../formats/hdf5.ts';
import { looksLikeKerasConfig } from '../formats/keras.ts';
import { FLAX_FORMAT, looksLikeFlaxMsgpack, scanFlaxMsgpack } from './scan-flax-msgpack.ts';
import { isOcdbt, OCDBT_FORMAT, scanOcdbt } from './scan-ocdbt.ts';
import {
  looksLikeOrbaxCheckpointMetadata,
  looksLikeOrbaxTreeMetadata,
  ORBAX_CHECKPOINT_FORMAT,
  ORBAX_TREE_FORMAT,
  scanOrbaxCheckpointMetadata,
  scanOrbaxTreeMetadata,
} from './scan-orbax.ts';
import { looksLikeLightgbm, scanLightgbm } from './scan-lightgbm.ts';
import {
  looksLikeXgboostJson,
  looksLikeXgboostLegacy,
  looksLikeXgboostUbjson,
  scanXgboostJson,
  scanXgboostLegacy,
  scanXgboostUbjson,
} from './scan-xgboost.ts';
import { looksLikeSkopsSchema, scanSkopsSchema } from './scan-skops.ts';
import { isCatboost, scanCatboost } from './scan-catboost.ts';
import type { FormatHandler } from './router.ts';
import { opaqueFormat } from '../formats/opaque-formats.ts';
import { scanOpaque } from './scan-opaque.ts';
import {
  looksLikeFingerprint,
  looksLikeGraphDef,
  looksLikeKerasMetadata,
  looksLikeMetaGraph,
  looksLikeSavedModel,
} from '../formats/tf-sniff.ts';
import { looksLikeTableFile } from '../formats/tf-bundle.ts';
import { tfGraphScanner } from './scan-tf-graph.ts';
import { scanTfKerasMetadata } from './scan-tf-keras-metadata.ts';
import { scanTfFingerprint } from './scan-tf-fingerprint.ts';
import { scanTfCheckpointIndex } from './scan-tf-checkpoint.ts';
import { looksLikeXml, scanXml } from './scan-xml.ts';
import { scanPaddleParams, scanPaddleProgram } from './scan-paddle.ts';
import { looksLikePaddleParams } from '../formats/paddle-params.ts';
import { looksLikePaddleProgram } from '../formats/paddle.ts';
import { configKind, looksLikeApe, looksLikeTorchServeManifest } from './package-sniff.ts';
import { scanHydraConfig } from './scan-hydra.ts';
import { scanMLmodel } from './scan-mlmodel.ts';
import { scanTorchServeManifest } from './scan-torchserve.ts';
import { scanLlamafile } from './scan-llamafile.ts';
import { looksLikeNemo } from './nemo-archive.ts';
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
  // A Core ML Model starts like an ONNX ModelProto (field 1 varint, field 2 message) but has no graph (field 7),
  // so onnxruntime refuses it: a file the stricter Core ML sniffer accepts is not an ONNX model.
  {
    format: 'onnx',
    sniff: async (head, source) => looksLikeOnnx(head) && !(await looksLikeCoreml(head, source)),
    scan: scanOnnx,
  },
  {
    format: 'coreml',
    sniff: async (head, source) => opaqueFormat(head) !== 'cntk' && (await looksLikeCoreml(head, source)),
    scan: scanCoreml,
  },
  { format: 'coreml-weights', sniff: (head) => isMilBlob(head), scan: scanMilBlob },
  {
    format: 'mlpackage-manifest',
    sniff: async (head, source) =>
      startsLikeJsonObject(head) &&
      looksLikeMlpackageManifest(head.byteLength < source.size ? await source.read(0, MANIFEST_SNIFF_BYTES) : head),
    scan: scanMlpackageManifest,
  },
  { format: 'tflite', sniff: (head, source) => isTflite(head, source.size), scan: scanTflite },
  { format: 'executorch', sniff: (head, source) => isExecutorch(head, source.size), scan: scanExecutorch },
  { format: 'tensorrt', sniff: (head) => readTensorrtHead(head) !== undefined, scan: scanTensorrt },
  { format: 'pytorch-legacy', sniff: (head) => isTorchLegacy(head), scan: scanTorchLegacy, includes: ['pickle'] },
  { format: 'pickle', sniff: (head) => looksLikePickle(head), scan: scanPickle },
  { format: 'lightgbm', sniff: (head) => looksLikeLightgbm(head), scan: scanLightgbm },
  { format: 'xgboost-json', sniff: (head) => looksLikeXgboostJson(head), scan: scanXgboostJson },
  { format: 'xgboost-ubj', sniff: (head) => looksLikeXgboostUbjson(head), scan: scanXgboostUbjson },
  { format: 'xgboost-legacy', sniff: (head) => looksLikeXgboostLegacy(head), scan: scanXgboostLegacy },
  { format: 'skops-schema', sniff: (head) => looksLikeSkopsSchema(head), scan: scanSkopsSchema },
  { format: 'catboost', sniff: (head) => isCatboost(head), scan: scanCatboost },
  { format: 'keras-config', sniff: (head) => looksLikeKerasConfig(head), scan: scanKerasConfig },
  { format: 'opaque', sniff: (head) => opaqueFormat(head) !== null, scan: scanOpaque },
  {
    format: 'tf-savedmodel',
    sniff: (head) => looksLikeSavedModel(head) && opaqueFormat(head) !== 'cntk',
    scan: tfGraphScanner('savedmodel'),
  },
  { format: 'tf-metagraph', sniff: (head) => looksLikeMetaGraph(head), scan: tfGraphScanner('metagraph') },
  { format: 'tf-graphdef', sniff: (head) => looksLikeGraphDef(head), scan: tfGraphScanner('graphdef') },
  { format: 'tf-keras-metadata', sniff: (head) => looksLikeKerasMetadata(head), scan: scanTfKerasMetadata },
  {
    format: 'tf-fingerprint',
    sniff: (head, source) => looksLikeFingerprint(head, source.size),
    scan: scanTfFingerprint,
  },
  { format: 'tf-checkpoint-index', sniff: (_head, source) => looksLikeTableFile(source), scan: scanTfCheckpointIndex },
  { format: FLAX_FORMAT, sniff: (head, source) => looksLikeFlaxMsgpack(head, source.size), scan: scanFlaxMsgpack },
  { format: ORBAX_CHECKPOINT_FORMAT, sniff: looksLikeOrbaxCheckpointMetadata, scan: scanOrbaxCheckpointMetadata },
  { format: ORBAX_TREE_FORMAT, sniff: looksLikeOrbaxTreeMetadata, scan: scanOrbaxTreeMetadata },
  { format: OCDBT_FORMAT, sniff: (head) => isOcdbt(head), scan: scanOcdbt },
  { format: 'xml', sniff: looksLikeXml, scan: scanXml },
  {
    format: 'paddle-program',
    sniff: (head, source) => looksLikePaddleProgram(head, source.size),
    scan: scanPaddleProgram,
  },
  { format: 'paddle-params', sniff: looksLikePaddleParams, scan: scanPaddleParams },
  // A .nemo is a tar by construction, and its checkpoint member's ZIP end record may sit in the file's tail.
  { format: 'nemo', sniff: looksLikeNemo, scan: scanTar, includes: ['tar', 'zip'] },
  {
    format: 'hydra-config',
    sniff: async (head, source) => (await configKind(head, source)) === 'hydra',
    scan: scanHydraConfig,
  },
  {
    format: 'mlflow-mlmodel',
    sniff: async (head, source) => (await configKind(head, source)) === 'mlmodel',
    scan: scanMLmodel,
  },
  { format: 'torchserve-manifest', sniff: (head) => looksLikeTorchServeManifest(head), scan: scanTorchServeManifest },
  // A llamafile is a ZIP by construction (its weights are a ZIP appended to the program): one outcome, not a polyglot.
  {
    format: 'llamafile',
    sniff: async (head, source) => looksLikeApe(head) && (await hasZipEocd(source)),
    scan: scanLlamafile,
    includes: ['zip'],
  },
  { format: 'torch7', sniff: (head) => isTorch7(head), scan: scanTorch7 },
  { format: 'r-serialized', sniff: (head) => isRSerialized(head), scan: scanR },
  { format: 'mxnet-symbol', sniff: (head) => looksLikeMxnetSymbol(head), scan: scanMxnetSymbol },
  { format: 'mxnet-params', sniff: (head) => isMxnetParams(head), scan: scanMxnetParams },
  { format: 'image-archive', sniff: isImageArchive, scan: scanImageArchive, includes: ['tar'] },
  { format: 'oci-document', sniff: (head) => looksLikeOciDocument(head), scan: scanOciDocument },
];
