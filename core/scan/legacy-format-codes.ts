import { catalogFinding, type FormatCatalog } from './format-catalog.ts';
import type { ScanFinding } from './types.ts';

/**
 * Finding codes of the legacy-format checkers (MG-SCAN-510 … 539): Torch7 `.t7`, R serialized files
 * (RDS/RData), MXNet symbol graphs and `.params`, OCI image layouts and `docker save` archives.
 */
const TORCH7_FILE = 'https://github.com/torch/torch7/blob/master/File.lua';
const R_SERIALIZE = 'https://github.com/wch/r-source/blob/trunk/src/main/serialize.c';
const R_INTERNALS = 'https://cran.r-project.org/doc/manuals/r-release/R-ints.html#Serialization-Formats';
const MXNET_NDARRAY = 'https://github.com/apache/mxnet/blob/master/src/ndarray/ndarray.cc';
const MXNET_CUSTOM = 'https://mxnet.apache.org/versions/1.9.1/api/python/docs/api/operator/index.html';
const OCI_LAYOUT = 'https://github.com/opencontainers/image-spec/blob/main/image-layout.md';
const OCI_LAYER = 'https://github.com/opencontainers/image-spec/blob/main/layer.md';

export const LEGACY_CODES = {
  t7Function: {
    code: 'MG-SCAN-510',
    severity: 'critical',
    verdict: 'malicious',
    title: 'This Torch7 file holds Lua code that torch.load compiles into a function',
    explanation:
      'torch.load passes serialized functions to loadstring: the bytecode becomes a live function that runs when the model calls it, and malformed Lua bytecode can corrupt the interpreter as it loads.',
    reference: TORCH7_FILE,
  },
  t7ForeignClass: {
    code: 'MG-SCAN-511',
    severity: 'high',
    verdict: 'suspicious',
    title: 'This Torch7 file builds an object of a class outside Torch and nn',
    explanation:
      'torch.load calls torch.factory(className) and that class’s read method: a class from another package runs that package’s code while the file loads.',
    reference: TORCH7_FILE,
  },
  t7Invalid: {
    code: 'MG-SCAN-512',
    severity: 'medium',
    verdict: 'invalid',
    title: 'This Torch7 file is malformed',
    explanation:
      'The object stream breaks File.lua’s layout (unknown type tag, bad length, truncation): torch.load fails on it.',
    reference: TORCH7_FILE,
  },
  t7NotFollowed: {
    code: 'MG-SCAN-513',
    severity: 'medium',
    verdict: 'unverified',
    title: 'This Torch7 file could not be read to the end',
    explanation:
      'The file exceeds what the check follows (object count, nesting, string size): it could not be verified.',
    reference: TORCH7_FILE,
  },
  rCodeRunsCommand: {
    code: 'MG-SCAN-514',
    severity: 'critical',
    verdict: 'malicious',
    title: 'This R file holds code that runs commands, downloads or evaluates text when it is used',
    explanation:
      'Closures, promises, byte code and active bindings are restored by readRDS/load as live code; promises and active bindings run as soon as the value is touched. This code calls functions that run shell commands, open pipes or connections, download, or evaluate parsed text.',
    reference: 'https://nvd.nist.gov/vuln/detail/CVE-2024-27322',
  },
  rCode: {
    code: 'MG-SCAN-515',
    severity: 'high',
    verdict: 'suspicious',
    title: 'This R file holds code (a function, promise, byte code or active binding)',
    explanation:
      'readRDS/load restore R code objects as live code. None of the calls found is known to run commands, but code in a model file is not plain data.',
    reference: 'https://nvd.nist.gov/vuln/detail/CVE-2024-27322',
  },
  rExternalPointer: {
    code: 'MG-SCAN-516',
    severity: 'medium',
    verdict: 'suspicious',
    title: 'This R file holds an external pointer',
    explanation:
      'External pointers point into native memory of the session that saved them; they come back as null pointers, and the package that uses them runs native code on them.',
    reference: R_SERIALIZE,
  },
  rLanguageCallsCommand: {
    code: 'MG-SCAN-517',
    severity: 'high',
    verdict: 'suspicious',
    title: 'This R file holds an expression that would run commands if evaluated',
    explanation:
      'A language object is code kept as data: loading does not run it, but anything that evaluates it (eval, a model’s update) runs a command, a download or parsed text.',
    reference: R_INTERNALS,
  },
  rLanguageData: {
    code: 'MG-SCAN-518',
    severity: 'info',
    verdict: 'benign',
    title: 'This R file records expressions as data (formulas, model calls)',
    explanation:
      'Fitted models keep their formula and call as language objects. They are not run by loading, and none of them calls a function that runs commands.',
    reference: R_INTERNALS,
  },
  rInvalid: {
    code: 'MG-SCAN-519',
    severity: 'medium',
    verdict: 'invalid',
    title: 'This R serialized file is malformed',
    explanation:
      'The stream breaks R’s serialization format (unknown type, bad length, truncation): readRDS/load fail on it.',
    reference: R_SERIALIZE,
  },
  rNotFollowed: {
    code: 'MG-SCAN-520',
    severity: 'medium',
    verdict: 'unverified',
    title: 'This R file could not be read to the end',
    explanation:
      'The stream exceeds what the check follows (item count, nesting, string size): it could not be verified.',
    reference: R_SERIALIZE,
  },
  rLoadsPackage: {
    code: 'MG-SCAN-521',
    severity: 'high',
    verdict: 'suspicious',
    title: 'Loading this R file loads a package’s code',
    explanation:
      'A namespace reference makes unserialize call loadNamespace, which runs the package’s load hooks; an ALTREP object runs its package’s unserialize method. Packages outside base R are not vouched for.',
    reference: R_SERIALIZE,
  },
  mxCustomOp: {
    code: 'MG-SCAN-522',
    severity: 'high',
    verdict: 'suspicious',
    title: 'This MXNet graph calls a Python custom operator',
    explanation:
      'The Custom op runs the Python class registered under op_type by user code (mx.operator.register): what it does is not in the file and cannot be checked.',
    reference: MXNET_CUSTOM,
  },
  mxUnknownOp: {
    code: 'MG-SCAN-523',
    severity: 'info',
    verdict: 'benign',
    title: 'This MXNet graph names operators outside the list ModelGate knows',
    explanation:
      'MXNet resolves op names in its own registry; a name not registered there fails to load unless an extension library was loaded by user code.',
    reference: 'https://github.com/apache/mxnet/blob/master/src/nnvm/legacy_json_util.cc',
  },
  mxSymbolInvalid: {
    code: 'MG-SCAN-524',
    severity: 'medium',
    verdict: 'invalid',
    title: 'This MXNet symbol graph is malformed',
    explanation:
      'The JSON graph does not have the shape nnvm reads (nodes, arg_nodes, heads, inputs that point to earlier nodes).',
    reference: 'https://github.com/apache/mxnet/blob/master/3rdparty/tvm/nnvm/src/pass/saveload_json.cc',
  },
  mxParamsInvalid: {
    code: 'MG-SCAN-525',
    severity: 'medium',
    verdict: 'invalid',
    title: 'This MXNet .params file is malformed',
    explanation:
      'The NDArray list breaks the layout of NDArray::Save/Load (magic, shapes, sizes, names): mx.nd.load fails on it.',
    reference: MXNET_NDARRAY,
  },
  mxParamsNotFollowed: {
    code: 'MG-SCAN-526',
    severity: 'medium',
    verdict: 'unverified',
    title: 'This MXNet .params file could not be read to the end',
    explanation:
      'The file uses a layout the check does not follow (sparse storage, unknown dtypes) or exceeds its limits.',
    reference: MXNET_NDARRAY,
  },
  ociMissingBlob: {
    code: 'MG-SCAN-527',
    severity: 'high',
    verdict: 'invalid',
    title: 'This image archive points to content it does not hold',
    explanation:
      'A manifest or index names a blob (or a layer file) that is not in the archive, or whose size differs: the runtime would fail or fetch it elsewhere, so what runs was not scanned.',
    reference: OCI_LAYOUT,
  },
  ociDescriptorInvalid: {
    code: 'MG-SCAN-528',
    severity: 'medium',
    verdict: 'invalid',
    title: 'This image index or manifest is malformed',
    explanation: 'index.json, a manifest or manifest.json does not follow the OCI image / docker save schema.',
    reference: 'https://github.com/opencontainers/image-spec/blob/main/manifest.md',
  },
  ociRemoteLayer: {
    code: 'MG-SCAN-529',
    severity: 'medium',
    verdict: 'unverified',
    title: 'This image has a layer that is fetched from elsewhere or stored in a way not followed',
    explanation:
      'A layer with `urls` (non-distributable) is downloaded by the runtime, and a layer media type other than tar or tar+gzip is not opened by the check: its content could not be verified.',
    reference: OCI_LAYER,
  },
  ociWhiteout: {
    code: 'MG-SCAN-530',
    severity: 'info',
    verdict: 'benign',
    title: 'A layer of this image deletes files of earlier layers',
    explanation:
      'Whiteout entries (.wh.<name>, .wh..wh..opq) hide files of lower layers. Every layer is scanned in full, so a hidden file was checked too.',
    reference: OCI_LAYER,
  },
  ociTooLarge: {
    code: 'MG-SCAN-531',
    severity: 'medium',
    verdict: 'unverified',
    title: 'This image index or manifest is too large to check',
    explanation:
      'Index and manifest documents are small; one over the limit is not read, so the image could not be verified.',
    reference: OCI_LAYOUT,
  },
} as const satisfies FormatCatalog;

export type LegacyCode = keyof typeof LEGACY_CODES;

export function legacyFinding(
  key: LegacyCode,
  detail: string,
  extra: Pick<ScanFinding, 'member' | 'offset' | 'evidence'> = {},
): ScanFinding {
  return catalogFinding(LEGACY_CODES, key, detail, extra);
}
