import type { Dequantize } from '@/core/weights/dequantize-hook';
import { DEFAULT_CHUNK_ELEMENTS } from '@/core/weights/diff';
import {
  DEQUANT_PARAMS_BYTES,
  DEQUANT_WORKGROUP_SIZE,
  dequantChunks,
  dequantWgsl,
  hasWgslDecoder,
  maxChunkBytes,
  paddedUpload,
  type DequantChunk,
  type WgslDequantType,
} from '@/core/weights/wgsl-dequant';

/**
 * core's CPU decoder (core/formats/ggml-dequant.ts `dequantize` and `dequantizeWithGrid`), for what the shaders
 * do not decode.
 */
export interface CpuDequantize {
  dequantize(typeName: string, blocks: Uint8Array, elements: number): Float32Array;
  dequantizeWithGrid(
    typeName: string,
    blocks: Uint8Array,
    elements: number,
  ): { values: Float32Array; step: Float32Array; edge: Int8Array };
}

/** A Dequantize on WebGPU. Its buffers live on the device it was given and go with it. */
export type GpuDequantize = Dequantize & { dispose(): void };

/** What one call returns: the values and, when asked, the grid. */
type Decoded = Awaited<ReturnType<Dequantize>>;

/**
 * Elements per dispatch: the diff's chunk (1M elements, 4 MiB of f32), so one diff chunk is one dispatch
 * and one readback. Values, steps and edges take 4 bytes an element each: 12 MiB of outputs, as much to read
 * them back and ~1 MiB of blocks (Q8_0, the largest per element), ~25 MiB in all.
 */
const CHUNK_ELEMENTS = DEFAULT_CHUNK_ELEMENTS;

/**
 * Creates the WGSL decoder on `device` (the reducer's: one device per worker). Pipelines are compiled on a
 * type's first use; buffers are created once and calls are serialised because they share them. Types without
 * a shader, and chunks whose scale fields are NaN or infinite (see wgsl-dequant.ts), are decoded by `cpu`,
 * so the result, grid included, is always what the CPU decoder gives.
 */
export function createGpuDequantizer(device: GPUDevice, cpu: CpuDequantize): GpuDequantize {
  let lost = false;
  void device.lost.then(() => {
    lost = true;
  });
  const layout = device.createBindGroupLayout({
    entries: (['read-only-storage', 'storage', 'uniform', 'storage', 'storage', 'storage'] as const).map(
      (type, binding) => ({ binding, visibility: GPUShaderStage.COMPUTE, buffer: { type } }),
    ),
  });
  const pipelineLayout = device.createPipelineLayout({ bindGroupLayouts: [layout] });
  const pipelines = new Map<WgslDequantType, Promise<GPUComputePipeline>>();
  const pipelineFor = (typeName: WgslDequantType): Promise<GPUComputePipeline> => {
    let pipeline = pipelines.get(typeName);
    if (!pipeline) {
      const module = device.createShaderModule({ code: dequantWgsl(typeName) });
      pipeline = device.createComputePipelineAsync({ layout: pipelineLayout, compute: { module, entryPoint: 'main' } });
      pipelines.set(typeName, pipeline);
    }
    return pipeline;
  };

  // Values, steps and edges are 4 bytes an element each; they are read back through one buffer, in that order.
  const arrayBytes = CHUNK_ELEMENTS * 4;
  const storageDst = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;
  const storageSrc = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC;
  const blockBuf = device.createBuffer({ size: maxChunkBytes(CHUNK_ELEMENTS), usage: storageDst });
  const valueBuf = device.createBuffer({ size: arrayBytes, usage: storageSrc });
  const paramBuf = device.createBuffer({
    size: DEQUANT_PARAMS_BYTES,
    usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
  });
  const flagBuf = device.createBuffer({ size: 4, usage: storageDst | GPUBufferUsage.COPY_SRC });
  const stepBuf = device.createBuffer({ size: arrayBytes, usage: storageSrc });
  const edgeBuf = device.createBuffer({ size: arrayBytes, usage: storageSrc });
  const readBuf = device.createBuffer({
    size: 3 * arrayBytes,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  const flagRead = device.createBuffer({ size: 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const bindGroup = device.createBindGroup({
    layout,
    entries: [blockBuf, valueBuf, paramBuf, flagBuf, stepBuf, edgeBuf].map((buffer, binding) => ({
      binding,
      resource: { buffer },
    })),
  });

  /**
   * Decodes one chunk into `out` (and its grid when `out.grid` is there) at its element offset; false when a
   * scale was NaN or infinite.
   */
  async function decodeChunk(pipeline: GPUComputePipeline, blocks: Uint8Array, chunk: DequantChunk, out: Decoded) {
    device.queue.writeBuffer(
      blockBuf,
      0,
      paddedUpload(blocks.subarray(chunk.byteOffset, chunk.byteOffset + chunk.byteLength)),
    );
    device.queue.writeBuffer(paramBuf, 0, new Uint32Array([chunk.elements, out.grid ? 1 : 0, 0, 0]));
    device.queue.writeBuffer(flagBuf, 0, new Uint32Array([0]));
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(Math.ceil(chunk.elements / DEQUANT_WORKGROUP_SIZE));
    pass.end();
    const bytes = chunk.elements * 4;
    const sources = out.grid ? [valueBuf, stepBuf, edgeBuf] : [valueBuf];
    sources.forEach((source, k) => encoder.copyBufferToBuffer(source, 0, readBuf, k * bytes, bytes));
    encoder.copyBufferToBuffer(flagBuf, 0, flagRead, 0, 4);
    device.queue.submit([encoder.finish()]);
    const readBytes = sources.length * bytes;
    await Promise.all([readBuf.mapAsync(GPUMapMode.READ, 0, readBytes), flagRead.mapAsync(GPUMapMode.READ)]);
    try {
      const read = readBuf.getMappedRange(0, readBytes);
      out.values.set(new Float32Array(read, 0, chunk.elements), chunk.elementOffset);
      if (out.grid) {
        out.grid.step.set(new Float32Array(read, bytes, chunk.elements), chunk.elementOffset);
        // −1, 0 and +1 as i32 words: Int8Array.set keeps each word's value.
        out.grid.edge.set(new Int32Array(read, 2 * bytes, chunk.elements), chunk.elementOffset);
      }
      return new Uint32Array(flagRead.getMappedRange())[0] === 0;
    } finally {
      readBuf.unmap();
      flagRead.unmap();
    }
  }

  /** The CPU's decoding of one chunk, into `out` at its element offset. */
  function decodeChunkOnCpu(typeName: string, blocks: Uint8Array, chunk: DequantChunk, out: Decoded) {
    const bytes = blocks.subarray(chunk.byteOffset, chunk.byteOffset + chunk.byteLength);
    if (!out.grid) {
      out.values.set(cpu.dequantize(typeName, bytes, chunk.elements), chunk.elementOffset);
      return;
    }
    const { values, step, edge } = cpu.dequantizeWithGrid(typeName, bytes, chunk.elements);
    out.values.set(values, chunk.elementOffset);
    out.grid.step.set(step, chunk.elementOffset);
    out.grid.edge.set(edge, chunk.elementOffset);
  }

  async function decodeAll(typeName: string, blocks: Uint8Array, elements: number, withGrid: boolean) {
    if (!hasWgslDecoder(typeName)) {
      if (!withGrid) return { values: cpu.dequantize(typeName, blocks, elements) };
      const { values, step, edge } = cpu.dequantizeWithGrid(typeName, blocks, elements);
      return { values, grid: { step, edge } };
    }
    const chunks = dequantChunks(typeName, blocks.length, elements, CHUNK_ELEMENTS);
    if (lost) throw new Error('the WebGPU device was lost');
    const pipeline = await pipelineFor(typeName);
    const out: Decoded = {
      values: new Float32Array(elements),
      ...(withGrid ? { grid: { step: new Float32Array(elements), edge: new Int8Array(elements) } } : {}),
    };
    for (const chunk of chunks) {
      if (!(await decodeChunk(pipeline, blocks, chunk, out))) decodeChunkOnCpu(typeName, blocks, chunk, out);
    }
    return out;
  }

  let chain: Promise<unknown> = Promise.resolve();
  const decode: Dequantize = (typeName, blocks, elements, withGrid) => {
    const next = chain.then(() => decodeAll(typeName, blocks, elements, withGrid));
    chain = next.catch(() => undefined);
    return next;
  };
  return Object.assign(decode, {
    dispose() {
      for (const b of [blockBuf, valueBuf, paramBuf, flagBuf, stepBuf, edgeBuf, readBuf, flagRead]) b.destroy();
    },
  });
}
