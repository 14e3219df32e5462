/**
 * What a TFLite operator needs beyond the file. Kept as data, each list with its source.
 */

/**
 * Highest BuiltinOperator in tensorflow/lite/schema/schema.fbs as shipped with tensorflow 2.21
 * (tensorflow.lite.python.schema_py_generated.BuiltinOperator). A higher code selects a kernel this scanner
 * has no name for.
 */
export const TFLITE_MAX_BUILTIN = 209;

/** BuiltinOperator codes that are placeholders, not kernels: DELEGATE (51), PLACEHOLDER_FOR_GREATER_OP_CODES (127). */
export const TFLITE_PLACEHOLDER_BUILTINS: ReadonlySet<number> = new Set([51, 127]);

/**
 * Custom ops the stock interpreter registers itself (BuiltinOpResolver, tensorflow/lite/core/kernels/register.cc):
 * their kernels ship with TFLite, so they need no code from the app.
 */
export const TFLITE_STOCK_CUSTOM_OPS: ReadonlySet<string> = new Set([
  'NumericVerify',
  'Mfcc',
  'AudioSpectrogram',
  'TFLite_Detection_PostProcess',
]);

/**
 * TensorFlow ops that touch the file system, run Python or reach the network when their kernel runs
 * (tensorflow/core/ops/io_ops.cc, script_ops.cc, dataset_ops.cc, summary_ops.cc, logging_ops.cc, debug_ops.cc,
 * rpc_ops.cc). The Flex delegate runs any of them that the linked TensorFlow registers.
 */
export const TF_DANGEROUS_OPS: ReadonlyMap<string, string> = new Map([
  ...['ReadFile', 'MatchingFiles', 'ImmutableConst', 'Restore', 'RestoreV2', 'RestoreSlice', 'LoadAndRemapMatrix',
    'WholeFileReader', 'WholeFileReaderV2', 'TextLineReader', 'TextLineReaderV2', 'FixedLengthRecordReader',
    'FixedLengthRecordReaderV2', 'TFRecordReader', 'TFRecordReaderV2', 'LMDBReader', 'ReaderRead', 'ReaderReadV2',
    'ReaderReadUpTo', 'ReaderReadUpToV2', 'TextLineDataset', 'TFRecordDataset', 'TFRecordDatasetV2',
    'FixedLengthRecordDataset', 'FixedLengthRecordDatasetV2', 'MatchingFilesDataset', 'ExperimentalMatchingFilesDataset',
    'LoadDataset', 'ExperimentalLMDBDataset', 'LMDBDataset', 'CSVDataset', 'CSVDatasetV2', 'ExperimentalCSVDataset',
    'SqlDataset', 'ExperimentalSqlDataset', 'InitializeTableFromTextFile', 'InitializeTableFromTextFileV2',
    'DecodeProtoV2', 'EncodeProto', 'SnapshotDataset', 'SnapshotDatasetV2', 'CacheDataset', 'CacheDatasetV2',
  ].map((op) => [op, 'reads files'] as const),
  ...['WriteFile', 'Save', 'SaveV2', 'SaveSlices', 'MergeV2Checkpoints', 'CreateSummaryFileWriter', 'WriteSummary',
    'WriteScalarSummary', 'WriteHistogramSummary', 'WriteImageSummary', 'WriteAudioSummary', 'WriteGraphSummary',
    'WriteRawProtoSummary', 'ImportEvent', 'SaveDataset', 'SaveDatasetV2', 'DatasetToTFRecord',
    'ExperimentalDatasetToTFRecord', 'PrintV2', 'DebugIdentity', 'DebugIdentityV2', 'DebugIdentityV3', 'DebugNanCount',
    'DebugNumericSummary', 'DebugNumericSummaryV2',
  ].map((op) => [op, 'writes files'] as const),
  ...['PyFunc', 'PyFuncStateless', 'EagerPyFunc'].map((op) => [op, 'runs Python code'] as const),
  ...['Rpc', 'TryRpc', 'RpcClient', 'RpcServer', 'RpcServerStart', 'RpcServerRegister', 'RpcCall', 'RpcCheckStatus',
    'RpcGetValue', 'GcsConfigureCredentials', 'GcsConfigureBlockCache', 'BigQueryReader',
  ].map((op) => [op, 'reaches the network'] as const),
]); // prettier-ignore
