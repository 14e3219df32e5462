/**
 * TensorRT serialized engines ("plan" files). Their layout is undocumented; what is known is the 4-byte
 * signature they begin with, "ftrt" (TensorRT 8 and later) or "ptrt" (earlier), followed by a u32 layout
 * version (netron source/tensorrt.js recognises them the same way).
 */
export interface TensorrtHead {
  signature: 'ftrt' | 'ptrt';
  layoutVersion: number;
}

/** Netron requires 24 bytes before it looks at an engine's signature. */
const MIN_ENGINE_BYTES = 24;

export function readTensorrtHead(head: Uint8Array): TensorrtHead | undefined {
  if (head.byteLength < MIN_ENGINE_BYTES) return undefined;
  const signature = String.fromCharCode(head[0]!, head[1]!, head[2]!, head[3]!);
  if (signature !== 'ftrt' && signature !== 'ptrt') return undefined;
  const layoutVersion = new DataView(head.buffer, head.byteOffset + 4, 4).getUint32(0, true);
  return { signature, layoutVersion };
}
