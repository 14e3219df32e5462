import { EMPTY_STATS, mergeStats, type PairReducer, type PairStats } from '@/core/weights/pair-stats';
import {
  ELEMENTS_PER_WORKGROUP,
  PARAMS_BYTES,
  PARTIAL_WORDS,
  REDUCE_WGSL,
  mergePartials,
  thresholdToF32,
  workgroupsFor,
} from '@/core/weights/wgsl-reduce';

/**
 * A PairReducer on WebGPU, plus what the UI shows about it and its device, which the WGSL decoder
 * (gpu-dequant.ts) shares so that a worker holds one device.
 */
export type GpuPairReducer = PairReducer & { readonly adapter: string; readonly device: GPUDevice; dispose(): void };

/**
 * 8M elements (32 MiB a side) per dispatch: within the default maxStorageBufferBindingSize (128 MiB) and
 * SwiftShader's 1 GiB maxBufferSize, large enough that per-chunk overhead
 * (a submit and a readback) stays small, small enough that memory stays bounded.
 */
const MAX_CHUNK_ELEMENTS = 8 << 20;

/** Describes an adapter in a few words, e.g. "google swiftshader (fallback)". */
function describe(adapter: GPUAdapter): string {
  const { vendor, architecture, description } = adapter.info;
  const name = [vendor, architecture].filter(Boolean).join(' ') || description || 'unknown adapter';
  return adapter.info.isFallbackAdapter ? `${name} (fallback)` : name;
}

/**
 * Creates the WebGPU reducer, or null where WebGPU is missing (no navigator.gpu, no adapter). Device,
 * pipeline and buffers are created once and reused for every call; calls are serialised because they share
 * the buffers.
 */
export async function createGpuReducer(): Promise<GpuPairReducer | null> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) return null;
  const adapter = await gpu.requestAdapter();
  if (!adapter) return null;
  const device = await adapter.requestDevice();
  // Default limits suffice (maxStorageBufferBindingSize ≥ 128 MiB everywhere); the min() guards odd devices.
  const limit = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
  const chunkElements = Math.min(
    MAX_CHUNK_ELEMENTS,
    Math.floor(limit / 4 / ELEMENTS_PER_WORKGROUP) * ELEMENTS_PER_WORKGROUP,
  );
  const chunkBytes = chunkElements * 4;
  let lost = false;
  void device.lost.then(() => {
    lost = true;
  });

  const module = device.createShaderModule({ code: REDUCE_WGSL });
  const pipeline = await device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: 'main' } });
  const partialBytes = workgroupsFor(chunkElements) * PARTIAL_WORDS * 4;
  const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;
  const baseBuf = device.createBuffer({ size: chunkBytes, usage: storage });
  const ftBuf = device.createBuffer({ size: chunkBytes, usage: storage });
  const partialBuf = device.createBuffer({
    size: partialBytes,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
  });
  const readBuf = device.createBuffer({ size: partialBytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const paramBuf = device.createBuffer({ size: PARAMS_BYTES, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  const bindGroup = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [baseBuf, ftBuf, partialBuf, paramBuf].map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  const params = new ArrayBuffer(PARAMS_BYTES);

  async function reduceChunk(base: Float32Array, ft: Float32Array, offset: number, n: number, t32: number) {
    device.queue.writeBuffer(baseBuf, 0, base, offset, n);
    device.queue.writeBuffer(ftBuf, 0, ft, offset, n);
    const view = new DataView(params);
    view.setUint32(0, n, true);
    view.setFloat32(4, t32, true);
    device.queue.writeBuffer(paramBuf, 0, params);
    const groups = workgroupsFor(n);
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(groups);
    pass.end();
    const bytes = groups * PARTIAL_WORDS * 4;
    encoder.copyBufferToBuffer(partialBuf, 0, readBuf, 0, bytes);
    device.queue.submit([encoder.finish()]);
    await readBuf.mapAsync(GPUMapMode.READ, 0, bytes);
    try {
      const words = readBuf.getMappedRange(0, bytes);
      return mergePartials(new Float32Array(words), new Uint32Array(words), groups);
    } finally {
      readBuf.unmap();
    }
  }

  async function reduceAll(base: Float32Array, ft: Float32Array, changedAbove: number): Promise<PairStats> {
    if (base.length !== ft.length) throw new Error(`chunk lengths differ: ${base.length} vs ${ft.length}`);
    if (lost) throw new Error('the WebGPU device was lost');
    const t32 = thresholdToF32(changedAbove);
    let stats = EMPTY_STATS;
    for (let offset = 0; offset < base.length; offset += chunkElements) {
      const n = Math.min(chunkElements, base.length - offset);
      stats = mergeStats(stats, await reduceChunk(base, ft, offset, n, t32));
    }
    return stats;
  }

  let chain: Promise<unknown> = Promise.resolve();
  const reduce: PairReducer = (base, ft, changedAbove) => {
    const next = chain.then(() => reduceAll(base, ft, changedAbove));
    chain = next.catch(() => undefined);
    return next;
  };
  return Object.assign(reduce, {
    adapter: describe(adapter),
    device,
    dispose() {
      for (const b of [baseBuf, ftBuf, partialBuf, readBuf, paramBuf]) b.destroy();
      device.destroy();
    },
  });
}
