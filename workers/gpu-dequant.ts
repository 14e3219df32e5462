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

/** core's CPU decoder (core/formats/ggml-dequant.ts `dequantize`), for what the shaders do not decode. */
export type CpuDequantize = (typeName: string, blocks: Uint8Array, elements: number) => Float32Array;

/** A Dequantize on WebGPU. Its buffers live on the device it was given and go with it. */
export type GpuDequantize = Dequantize & { dispose(): void };

/**
 * Elements per dispatch: the diff's chunk (1M elements, 4 MiB of f32), so one diff chunk is one dispatch
 * and one readback, and the buffers stay ~9 MiB, below the reducer's 8M-element chunk.
 */
const CHUNK_ELEMENTS = DEFAULT_CHUNK_ELEMENTS;

/**
 * Creates the WGSL decoder on `device` (the reducer's: one device per worker). Pipelines are compiled on a
 * type's first use; buffers are created once and calls are serialised because they share them. Types without
 * a shader, and chunks whose scale fields are NaN or infinite (see wgsl-dequant.ts), are decoded by `cpu`,
 * so the result is always what the CPU decoder gives.
 */
export function createGpuDequantizer(device: GPUDevice, cpu: CpuDequantize): GpuDequantize {
  let lost = false;
  void device.lost.then(() => {
    lost = true;
  });
  const layout = device.createBindGroupLayout({
    entries: (['read-only-storage', 'storage', 'uniform', 'storage'] as const).map((type, binding) => ({
      binding,
      visibility: GPUShaderStage.COMPUTE,
      buffer: { type },
    })),
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

  const valueBytes = CHUNK_ELEMENTS * 4;
  const storageDst = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;
  const blockBuf = device.createBuffer({ size: maxChunkBytes(CHUNK_ELEMENTS), usage: storageDst });
  const valueBuf = device.createBuffer({ size: valueBytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
  const paramBuf = device.createBuffer({
    size: DEQUANT_PARAMS_BYTES,
    usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
  });
  const flagBuf = device.createBuffer({ size: 4, usage: storageDst | GPUBufferUsage.COPY_SRC });
  const readBuf = device.createBuffer({ size: valueBytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const flagRead = device.createBuffer({ size: 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const bindGroup = device.createBindGroup({
    layout,
    entries: [blockBuf, valueBuf, paramBuf, flagBuf].map((buffer, binding) => ({ binding, resource: { buffer } })),
  });

  /** Decodes one chunk into `out` at its element offset; false when a scale was NaN or infinite. */
  async function decodeChunk(pipeline: GPUComputePipeline, blocks: Uint8Array, chunk: DequantChunk, out: Float32Array) {
    device.queue.writeBuffer(
      blockBuf,
      0,
      paddedUpload(blocks.subarray(chunk.byteOffset, chunk.byteOffset + chunk.byteLength)),
    );
    device.queue.writeBuffer(paramBuf, 0, new Uint32Array([chunk.elements, 0, 0, 0]));
    device.queue.writeBuffer(flagBuf, 0, new Uint32Array([0]));
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(Math.ceil(chunk.elements / DEQUANT_WORKGROUP_SIZE));
    pass.end();
    const bytes = chunk.elements * 4;
    encoder.copyBufferToBuffer(valueBuf, 0, readBuf, 0, bytes);
    encoder.copyBufferToBuffer(flagBuf, 0, flagRead, 0, 4);
    device.queue.submit([encoder.finish()]);
    await Promise.all([readBuf.mapAsync(GPUMapMode.READ, 0, bytes), flagRead.mapAsync(GPUMapMode.READ)]);
    try {
      out.set(new Float32Array(readBuf.getMappedRange(0, bytes)), chunk.elementOffset);
      return new Uint32Array(flagRead.getMappedRange())[0] === 0;
    } finally {
      readBuf.unmap();
      flagRead.unmap();
    }
  }

  async function decodeAll(typeName: string, blocks: Uint8Array, elements: number): Promise<Float32Array> {
    if (!hasWgslDecoder(typeName)) return cpu(typeName, blocks, elements);
    const chunks = dequantChunks(typeName, blocks.length, elements, CHUNK_ELEMENTS);
    if (lost) throw new Error('the WebGPU device was lost');
    const pipeline = await pipelineFor(typeName);
    const out = new Float32Array(elements);
    for (const chunk of chunks) {
      if (await decodeChunk(pipeline, blocks, chunk, out)) continue;
      const bytes = blocks.subarray(chunk.byteOffset, chunk.byteOffset + chunk.byteLength);
      out.set(cpu(typeName, bytes, chunk.elements), chunk.elementOffset);
    }
    return out;
  }

  let chain: Promise<unknown> = Promise.resolve();
  const decode: Dequantize = (typeName, blocks, elements) => {
    const next = chain.then(() => decodeAll(typeName, blocks, elements));
    chain = next.catch(() => undefined);
    return next;
  };
  return Object.assign(decode, {
    dispose() {
      for (const b of [blockBuf, valueBuf, paramBuf, flagBuf, readBuf, flagRead]) b.destroy();
    },
  });
}
