import type { PaddleOp, PaddleProgram } from '../formats/paddle.ts';
import type { ScanFinding } from './types.ts';
import { xmlFinding } from './xml-framework-codes.ts';

/**
 * Rules over the operators of a PaddlePaddle program. The executor runs every operator of the program, so
 * an operator that writes or reads files (save/load: paddle/fluid/operators/save_op.cc, load_op.cc,
 * save_combine_op.cc, load_combine_op.cc, path in the `file_path` attribute), calls Python (py_func:
 * paddle/fluid/operators/py_func_op.cc) or talks to the network (the parameter-server and collective
 * operators of paddle/fluid/operators/distributed_ops) acts when the model runs. Inference programs written
 * by paddle.static.save_inference_model / paddle.jit.save hold feed, fetch and computation operators only:
 * the loader reads the weights with a load_combine program of its own. Everything else must be on the list
 * of computation operators to be vouched for.
 */

const FILE_OPS = new Set(['save', 'load', 'save_combine', 'load_combine']);
const PYTHON_OPS = new Set(['py_func']);
const NETWORK_OPS = new Set([
  'send', 'recv', 'listen_and_serv', 'heter_listen_and_serv', 'send_barrier', 'fetch_barrier', 'prefetch',
  'checkpoint_notify', 'send_and_recv', 'recv_save', 'distributed_lookup_table', 'distributed_push_sparse',
  'gen_nccl_id', 'c_gen_nccl_id', 'c_gen_bkcl_id', 'c_gen_xccl_id', 'rpc_call', 'rpc_result',
]); // prettier-ignore

/** Computation operators of Paddle's operator library (paddle/fluid/operators, paddle/phi/ops/yaml/ops.yaml). */
const COMPUTE_OPS: ReadonlySet<string> = new Set([
  'feed', 'fetch', 'fetch_v2', 'conv2d', 'conv2d_transpose', 'conv3d', 'conv3d_transpose', 'depthwise_conv2d',
  'depthwise_conv2d_transpose', 'pool2d', 'pool3d', 'max_pool2d_with_index', 'batch_norm', 'sync_batch_norm',
  'layer_norm', 'group_norm', 'instance_norm', 'rms_norm', 'data_norm', 'affine_channel', 'relu', 'relu6',
  'leaky_relu', 'prelu', 'elu', 'selu', 'celu', 'gelu', 'silu', 'swish', 'hard_swish', 'hard_sigmoid', 'mish',
  'sigmoid', 'logsigmoid', 'tanh', 'tanh_shrink', 'softmax', 'log_softmax', 'softplus', 'softsign', 'brelu',
  'thresholded_relu', 'hard_shrink', 'softshrink', 'stanh', 'maxout', 'lrn', 'exp', 'expm1', 'log', 'log1p',
  'log2', 'log10', 'sqrt', 'rsqrt', 'square', 'abs', 'pow', 'sign', 'floor', 'ceil', 'round', 'reciprocal',
  'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'erf', 'scale', 'clip', 'clip_by_norm', 'matmul',
  'matmul_v2', 'mul', 'bmm', 'dot', 'einsum', 'fc', 'reshape', 'reshape2', 'transpose', 'transpose2', 'flatten',
  'flatten2', 'flatten_contiguous_range', 'squeeze', 'squeeze2', 'unsqueeze', 'unsqueeze2', 'concat', 'split',
  'slice', 'strided_slice', 'set_value', 'stack', 'unstack', 'gather', 'gather_nd', 'scatter', 'scatter_nd_add',
  'index_select', 'index_sample', 'masked_select', 'take_along_axis', 'put_along_axis', 'expand', 'expand_v2',
  'expand_as', 'expand_as_v2', 'tile', 'flip', 'roll', 'cast', 'fill_constant', 'fill_constant_batch_size_like',
  'fill_any_like', 'fill_zeros_like', 'assign', 'assign_value', 'share_data', 'shape', 'size', 'numel', 'range',
  'linspace', 'meshgrid', 'arg_max', 'arg_min', 'argsort', 'top_k', 'top_k_v2', 'unique', 'mean', 'sum',
  'logsumexp', 'cumsum', 'cumprod', 'dropout', 'lookup_table', 'lookup_table_v2', 'embedding', 'one_hot',
  'one_hot_v2', 'lstm', 'gru', 'rnn', 'bilinear_interp', 'bilinear_interp_v2', 'nearest_interp',
  'nearest_interp_v2', 'linear_interp_v2', 'bicubic_interp_v2', 'trilinear_interp_v2', 'pad', 'pad2d', 'pad3d',
  'where', 'where_index', 'equal', 'not_equal', 'less_than', 'less_equal', 'greater_than', 'greater_equal',
  'logical_and', 'logical_or', 'logical_not', 'logical_xor', 'bitwise_and', 'bitwise_or', 'bitwise_not',
  'bitwise_xor', 'isfinite_v2', 'isnan_v2', 'isinf_v2', 'norm', 'p_norm', 'tril_triu', 'temporal_shift',
  'grid_sampler', 'affine_grid', 'unfold', 'fold', 'pixel_shuffle', 'shuffle_channel', 'label_smooth',
  'roi_align', 'yolo_box', 'multiclass_nms', 'multiclass_nms3', 'matrix_nms', 'prior_box', 'density_prior_box',
  'box_coder', 'anchor_generator', 'generate_proposals_v2', 'while', 'conditional_block', 'select_input',
  'select_output', 'increment', 'write_to_array', 'read_from_array', 'lod_array_length', 'tensor_array_to_tensor',
  'beam_search', 'beam_search_decode', 'softmax_with_cross_entropy', 'cross_entropy', 'cross_entropy2',
  'sigmoid_cross_entropy_with_logits', 'crop', 'crop_tensor', 'lod_reset', 'im2sequence', 'row_conv',
  'uniform_random', 'gaussian_random', 'randint', 'quantize_linear', 'dequantize_linear', 'quantize',
  'dequantize', 'requantize', 'dequantize_abs_max', 'print', 'is_empty',
]); // prettier-ignore

/** Operator families of the same library: fused kernels, sequence (LoD) ops, elementwise/reduce, fake quant. */
const COMPUTE_FAMILIES =
  /^(elementwise_[a-z_]+|reduce_[a-z_]+|sequence_[a-z_]+|fused?_[a-z0-9_]+|fusion_[a-z0-9_]+|fake_(channel_wise_)?(de)?quantize[a-z_]*)$/;

const MAX_LISTED = 20;

export function paddleFindings(program: PaddleProgram): ScanFinding[] {
  const findings: ScanFinding[] = [];
  const ops = firstOfEachType(program.ops);
  const files = program.ops.filter((o) => FILE_OPS.has(o.type));
  if (files.length > 0) {
    const what = files.slice(0, MAX_LISTED).map((o) => `${o.type}('${(o.strings.file_path ?? '').slice(0, 200)}')`);
    findings.push(xmlFinding('paddleFileOp', what.join(', '), { offset: files[0]!.at, evidence: { ops: what } }));
  }
  const python = ops.filter((o) => PYTHON_OPS.has(o.type));
  if (python.length > 0) {
    findings.push(xmlFinding('paddlePythonOp', `operator ${python[0]!.type}`, { offset: python[0]!.at }));
  }
  const network = ops.filter((o) => NETWORK_OPS.has(o.type));
  if (network.length > 0) {
    const what = network.slice(0, MAX_LISTED).map((o) => o.type);
    findings.push(xmlFinding('paddleNetworkOp', `operators ${what.join(', ')}`, { offset: network[0]!.at }));
  }
  const unknown = ops.filter((o) => !isKnown(o.type));
  if (unknown.length > 0) {
    const what = unknown.slice(0, MAX_LISTED).map((o) => o.type.slice(0, 80));
    findings.push(
      xmlFinding('paddleUnknownOp', `operators ${what.join(', ')}`, {
        offset: unknown[0]!.at,
        evidence: { ops: what },
      }),
    );
  }
  findings.push(inventory(program, ops));
  return findings;
}

function isKnown(type: string): boolean {
  return (
    COMPUTE_OPS.has(type) ||
    COMPUTE_FAMILIES.test(type) ||
    FILE_OPS.has(type) ||
    PYTHON_OPS.has(type) ||
    NETWORK_OPS.has(type)
  );
}

function firstOfEachType(ops: readonly PaddleOp[]): PaddleOp[] {
  const seen = new Map<string, PaddleOp>();
  for (const op of ops) if (!seen.has(op.type)) seen.set(op.type, op);
  return [...seen.values()];
}

function inventory(program: PaddleProgram, ops: readonly PaddleOp[]): ScanFinding {
  const types = ops.map((o) => o.type).slice(0, 200);
  return xmlFinding(
    'paddleInventory',
    `${program.blocks} blocks, ${program.vars} variables, ${program.ops.length} operators of ${ops.length} types`,
    { evidence: { blocks: program.blocks, vars: program.vars, ops: program.ops.length, types } },
  );
}
