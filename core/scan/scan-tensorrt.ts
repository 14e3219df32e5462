import type { ByteSource } from '../io/byte-source.ts';
import { readTensorrtHead } from '../formats/tensorrt.ts';
import { catalogFinding } from './format-catalog.ts';
import { DEVICE_RUNTIME_CODES as CODES } from './device-runtime-codes.ts';
import type { ScanContext, ScanOutcome } from './types.ts';
import { validatorOutcome } from './validator-outcome.ts';

/** TensorRT engines are recognised so that they are named, and never called benign: nothing in them can be followed. */
export async function scanTensorrt(source: ByteSource, ctx: ScanContext): Promise<ScanOutcome> {
  const head = readTensorrtHead(await source.read(0, 64));
  const detail = head
    ? `engine signature '${head.signature}', layout version 0x${head.layoutVersion.toString(16)}, ${source.size} bytes`
    : 'engine head unreadable';
  return validatorOutcome('tensorrt', [catalogFinding(CODES, 'tensorrtEngine', detail)], ctx);
}
