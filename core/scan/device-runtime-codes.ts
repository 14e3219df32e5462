import type { FormatCatalog } from './format-catalog.ts';

/**
 * Finding codes MG-SCAN-350 … 379: on-device runtimes (TFLite, ExecuTorch, Core ML, TensorRT plans).
 * Codes are stable: never renumber or reuse one. `verdict` is what the finding alone makes of the file.
 */

const TFLITE_SCHEMA = 'https://github.com/tensorflow/tensorflow/blob/master/tensorflow/lite/schema/schema.fbs';
const TFLITE_FLEX = 'https://www.tensorflow.org/lite/guide/ops_select';
const TFLITE_FLEX_KERNEL =
  'https://github.com/tensorflow/tensorflow/blob/master/tensorflow/lite/delegates/flex/kernel.cc';
const TFLITE_CUSTOM = 'https://www.tensorflow.org/lite/guide/ops_custom';
const TFLITE_RESOLVER = 'https://github.com/tensorflow/tensorflow/blob/master/tensorflow/lite/core/kernels/register.cc';
const EXECUTORCH_SCHEMA = 'https://github.com/pytorch/executorch/blob/main/schema/program.fbs';
const EXECUTORCH_KERNELS = 'https://pytorch.org/executorch/stable/kernel-library-custom-aten-kernel.html';
const EXECUTORCH_DELEGATES = 'https://pytorch.org/executorch/stable/compiler-delegate-and-partitioner.html';
const COREML_PROTO = 'https://github.com/apple/coremltools/blob/main/mlmodel/format/Model.proto';
const COREML_CUSTOM = 'https://apple.github.io/coremltools/docs-guides/source/custom-operators.html';
const COREML_NN = 'https://github.com/apple/coremltools/blob/main/mlmodel/format/NeuralNetwork.proto';
const MIL_BLOB = 'https://github.com/apple/coremltools/blob/main/mlmodel/src/MILBlob/Blob/StorageFormat.hpp';
const MLPACKAGE = 'https://apple.github.io/coremltools/docs-guides/source/mlmodel.html';
const TENSORRT_PLUGINS =
  'https://docs.nvidia.com/deeplearning/tensorrt/latest/inference-library/extending-custom-layers.html';

export const DEVICE_RUNTIME_CODES = {
  tfliteInvalid: {
    code: 'MG-SCAN-350',
    severity: 'high',
    verdict: 'invalid',
    title: 'The TFLite model structure is broken',
    explanation:
      'An offset, count or index in the FlatBuffer points outside the file or outside the table it belongs to, so the interpreter would refuse the model or read memory it should not.',
    reference: TFLITE_SCHEMA,
  },
  tfliteFlexDangerous: {
    code: 'MG-SCAN-351',
    severity: 'critical',
    verdict: 'malicious',
    title: 'This TFLite model runs a TensorFlow op that reads or writes files, runs Python or reaches the network',
    explanation:
      'A Flex (Select TF ops) operator runs the named TensorFlow kernel through the Flex delegate when the model is loaded and invoked; ops such as ReadFile, WriteFile, Save/Restore, PyFunc or the dataset readers touch the file system or run code.',
    reference: TFLITE_FLEX,
  },
  tfliteFlexOther: {
    code: 'MG-SCAN-352',
    severity: 'medium',
    verdict: 'unverified',
    title: 'This TFLite model runs full TensorFlow kernels (Flex ops): could not verify',
    explanation:
      'Flex operators run TensorFlow kernels, not TFLite ones, wherever the app links the Flex delegate. The op is not one the scanner knows to touch files or run code, but TensorFlow has hundreds of kernels and the scanner does not hold a list of harmless ones.',
    reference: TFLITE_FLEX,
  },
  tfliteFlexDisguised: {
    code: 'MG-SCAN-353',
    severity: 'high',
    verdict: 'suspicious',
    title: 'A TFLite Flex operator is named after one TensorFlow op but runs another',
    explanation:
      'The Flex delegate runs the op written in the operator’s NodeDef, not the one in its name; a mismatch only comes from editing the file to hide what runs.',
    reference: TFLITE_FLEX_KERNEL,
  },
  tfliteFlexUnreadable: {
    code: 'MG-SCAN-354',
    severity: 'medium',
    verdict: 'unverified',
    title: 'Which TensorFlow op a TFLite Flex operator runs could not be read',
    explanation:
      'The operator’s custom options are not the [op name, NodeDef] pair the converter writes, so the scanner could not tell which TensorFlow kernel the Flex delegate would run.',
    reference: TFLITE_FLEX_KERNEL,
  },
  tfliteCustomOp: {
    code: 'MG-SCAN-355',
    severity: 'medium',
    verdict: 'unverified',
    title: 'This TFLite model needs a custom operator from the app: could not verify',
    explanation:
      'A custom operator runs whatever kernel the app registers under its name; the file does not contain that code, so what it does could not be checked.',
    reference: TFLITE_CUSTOM,
  },
  tfliteUnknownBuiltin: {
    code: 'MG-SCAN-356',
    severity: 'medium',
    verdict: 'unverified',
    title: 'This TFLite model uses a builtin operator code the scanner does not know',
    explanation:
      'The code is newer than the schema the scanner follows, or a placeholder no interpreter registers, so the scanner could not tell which kernel it selects.',
    reference: TFLITE_RESOLVER,
  },
  tfliteTooLarge: {
    code: 'MG-SCAN-357',
    severity: 'medium',
    verdict: 'unverified',
    title: 'The TFLite model has more operators or tensors than the scanner reads',
    explanation: 'The scanner stopped at its limits, so the rest of the model was not checked.',
  },
  tfliteInventory: {
    code: 'MG-SCAN-358',
    severity: 'info',
    verdict: 'benign',
    title: 'TFLite model contents',
    explanation: 'The operators, subgraphs, buffers and signatures of the model, for the record.',
    reference: TFLITE_SCHEMA,
  },
  tensorrtEngine: {
    code: 'MG-SCAN-359',
    severity: 'medium',
    verdict: 'unverified',
    title: 'TensorRT engines are opaque: could not verify',
    explanation:
      'A serialized TensorRT engine (plan) is undocumented compiled GPU code for one TensorRT version and GPU. It can name plugins whose shared libraries the runtime loads, and version-compatible engines can carry the runtime and plugin libraries themselves, so what it runs cannot be checked from the file.',
    reference: TENSORRT_PLUGINS,
  },
  executorchInvalid: {
    code: 'MG-SCAN-360',
    severity: 'high',
    verdict: 'invalid',
    title: 'The ExecuTorch program structure is broken',
    explanation:
      'An offset, segment, instruction or delegate index in the .pte file points outside the file or the list it belongs to, so the runtime would refuse the program or read memory it should not.',
    reference: EXECUTORCH_SCHEMA,
  },
  executorchCustomOp: {
    code: 'MG-SCAN-361',
    severity: 'medium',
    verdict: 'unverified',
    title: 'This ExecuTorch program calls an operator from outside the core kernel libraries: could not verify',
    explanation:
      'The runtime looks operators up by name in the kernels the app was built with; an operator outside the ATen, prim, dim-order and quantized namespaces is custom code the file does not contain, so what it does could not be checked.',
    reference: EXECUTORCH_KERNELS,
  },
  executorchDelegate: {
    code: 'MG-SCAN-362',
    severity: 'medium',
    verdict: 'unverified',
    title: 'This ExecuTorch program hands a compiled blob to a backend delegate: could not verify',
    explanation:
      'A delegate’s processed data is compiled by and for its backend (XNNPACK, Core ML, QNN, Vulkan…) and is interpreted by that backend’s code at load time; the scanner does not follow these blobs.',
    reference: EXECUTORCH_DELEGATES,
  },
  executorchInventory: {
    code: 'MG-SCAN-363',
    severity: 'info',
    verdict: 'benign',
    title: 'ExecuTorch program contents',
    explanation: 'The methods, operators, delegates and segments of the program, for the record.',
    reference: EXECUTORCH_SCHEMA,
  },
  executorchOtherSchema: {
    code: 'MG-SCAN-364',
    severity: 'medium',
    verdict: 'unverified',
    title: 'This ExecuTorch program uses a schema version the scanner does not read',
    explanation:
      'Only the "ET12" program schema is followed; the runtime refuses other identifiers, but the scanner could not check what the file holds.',
    reference: EXECUTORCH_SCHEMA,
  },
  executorchTooLarge: {
    code: 'MG-SCAN-365',
    severity: 'medium',
    verdict: 'unverified',
    title: 'The ExecuTorch program has more instructions than the scanner reads',
    explanation: 'The scanner stopped at its limits, so the rest of the program was not checked.',
  },
  coremlInvalid: {
    code: 'MG-SCAN-366',
    severity: 'high',
    verdict: 'invalid',
    title: 'The Core ML model structure is broken',
    explanation:
      'A length or field in the Model protobuf runs past its message, is of the wrong wire type, or the model sets no (or two) model types, so Core ML would refuse it.',
    reference: COREML_PROTO,
  },
  coremlCustomModel: {
    code: 'MG-SCAN-367',
    severity: 'medium',
    verdict: 'unverified',
    title: 'This Core ML model is a custom model implemented by the app: could not verify',
    explanation:
      'A CustomModel names a class (conforming to MLCustomModel) that the app provides; the file holds only its parameters, so what runs could not be checked.',
    reference: COREML_CUSTOM,
  },
  coremlCustomLayer: {
    code: 'MG-SCAN-368',
    severity: 'medium',
    verdict: 'unverified',
    title: 'This Core ML neural network has a custom layer implemented by the app: could not verify',
    explanation:
      'A custom layer names a class (conforming to MLCustomLayer) that the app provides; its code is not in the file, so what it does could not be checked.',
    reference: COREML_NN,
  },
  coremlLinkedModel: {
    code: 'MG-SCAN-369',
    severity: 'medium',
    verdict: 'unverified',
    title: 'This Core ML model loads another compiled model from disk: could not verify',
    explanation:
      'A LinkedModel names a compiled model file and search path that Core ML opens at load time; that file is not part of this one and was not checked.',
    reference: COREML_PROTO,
  },
  coremlOpaqueType: {
    code: 'MG-SCAN-370',
    severity: 'medium',
    verdict: 'unverified',
    title: 'This Core ML model holds serialized data for a framework model the scanner does not read',
    explanation:
      'Serialized (private) models and the Natural Language text classifier, word tagger, gazetteer and word embedding carry opaque model data that Apple frameworks parse at load time; it was not followed.',
    reference: COREML_PROTO,
  },
  coremlWeightEscapes: {
    code: 'MG-SCAN-371',
    severity: 'critical',
    verdict: 'malicious',
    title: 'This Core ML model reads its weights from a file outside the model',
    explanation:
      'An ML program weight reference (BlobFileValue) names an absolute path, a URL or a path that climbs out with "..", so loading the model reads a file of the host as weight data.',
    reference: COREML_PROTO,
  },
  coremlTooLarge: {
    code: 'MG-SCAN-372',
    severity: 'medium',
    verdict: 'unverified',
    title: 'The Core ML model is larger or deeper than the scanner reads',
    explanation: 'The scanner stopped at its limits, so the rest of the model was not checked.',
  },
  coremlInventory: {
    code: 'MG-SCAN-373',
    severity: 'info',
    verdict: 'benign',
    title: 'Core ML model contents',
    explanation:
      'The specification version, model types, layers, ML program operations and weight files, for the record.',
    reference: COREML_PROTO,
  },
  milBlobInvalid: {
    code: 'MG-SCAN-374',
    severity: 'high',
    verdict: 'invalid',
    title: 'The Core ML weight file (MIL blob storage) is broken',
    explanation:
      'A blob’s metadata lacks its 0xDEADBEEF sentinel or places its data outside the file, so Core ML would refuse the weights.',
    reference: MIL_BLOB,
  },
  milBlobInventory: {
    code: 'MG-SCAN-375',
    severity: 'info',
    verdict: 'benign',
    title: 'Core ML weight file contents',
    explanation: 'Number and sizes of the tensor blobs; the file holds only tensor bytes that Core ML reads as data.',
    reference: MIL_BLOB,
  },
  mlpackageManifestInvalid: {
    code: 'MG-SCAN-376',
    severity: 'high',
    verdict: 'invalid',
    title: 'The .mlpackage Manifest.json is broken',
    explanation:
      'The manifest is not the JSON object Core ML expects (fileFormatVersion, itemInfoEntries with paths, a rootModelIdentifier naming one of them).',
    reference: MLPACKAGE,
  },
  mlpackagePathEscapes: {
    code: 'MG-SCAN-377',
    severity: 'critical',
    verdict: 'malicious',
    title: 'The .mlpackage manifest points at a file outside the package',
    explanation:
      'An item path is absolute, a URL or climbs out with "..", so opening the package reads a file of the host as part of the model.',
    reference: MLPACKAGE,
  },
  mlpackageInventory: {
    code: 'MG-SCAN-378',
    severity: 'info',
    verdict: 'benign',
    title: '.mlpackage manifest contents',
    explanation: 'The items the package lists and which one is the root model, for the record.',
    reference: MLPACKAGE,
  },
  coremlWeightUnanchored: {
    code: 'MG-SCAN-379',
    severity: 'medium',
    verdict: 'unverified',
    title: 'A Core ML weight reference is not inside the model package: could not verify',
    explanation:
      'Weight references written by coremltools start with "@model_path/", which Core ML resolves inside the compiled model; a name without it is resolved elsewhere, so what file it reads could not be checked.',
    reference: COREML_PROTO,
  },
} as const satisfies FormatCatalog;

export type DeviceRuntimeCode = keyof typeof DEVICE_RUNTIME_CODES;

/** References the scanners cite in findings beyond a code's own. */
export const DEVICE_REFS = {
  tfliteSchema: TFLITE_SCHEMA,
  executorchSchema: EXECUTORCH_SCHEMA,
  executorchKernels: EXECUTORCH_KERNELS,
  executorchDelegates: EXECUTORCH_DELEGATES,
  coremlProto: COREML_PROTO,
  coremlCustom: COREML_CUSTOM,
  coremlNn: COREML_NN,
  tensorrtPlugins: TENSORRT_PLUGINS,
} as const;
