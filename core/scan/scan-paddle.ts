import type { ByteSource } from '../io/byte-source.ts';
import { FormatError } from '../formats/format-error.ts';
import { PaddleLimitError, readPaddleProgram, type PaddleProgram } from '../formats/paddle.ts';
import type { ScanContext, ScanOutcome } from './types.ts';
import { validatorOutcome } from './validator-outcome.ts';
import { paddleFindings } from './paddle-rules.ts';
import { xmlFinding } from './xml-framework-codes.ts';
import { PaddleParamsLimitError, readPaddleParams } from '../formats/paddle-params.ts';

/** PaddlePaddle `.pdmodel` (ProgramDesc) checker: the program is read in full, then its operators are judged. */
export async function scanPaddleProgram(source: ByteSource, ctx: ScanContext): Promise<ScanOutcome> {
  let program: PaddleProgram;
  try {
    program = await readPaddleProgram(source);
  } catch (e) {
    if (e instanceof PaddleLimitError) {
      return validatorOutcome('paddle-program', [xmlFinding('paddleOverLimit', `the program has ${e.message}`)], ctx);
    }
    if (!(e instanceof FormatError)) throw e;
    const finding = xmlFinding('paddleMalformed', e.message, e.offset === undefined ? {} : { offset: e.offset });
    return validatorOutcome('paddle-program', [finding], ctx);
  }
  return validatorOutcome('paddle-program', paddleFindings(program), ctx);
}

/** PaddlePaddle `.pdiparams` checker: benign only when every byte of the file belongs to a well-formed tensor. */
export async function scanPaddleParams(source: ByteSource, ctx: ScanContext): Promise<ScanOutcome> {
  try {
    const params = await readPaddleParams(source);
    const detail = `${params.tensors} tensors, ${params.dataBytes} bytes of tensor data`;
    return validatorOutcome('paddle-params', [xmlFinding('paddleParamsInventory', detail)], ctx);
  } catch (e) {
    if (e instanceof PaddleParamsLimitError) {
      return validatorOutcome('paddle-params', [xmlFinding('paddleParamsOverLimit', `the file has ${e.message}`)], ctx);
    }
    if (!(e instanceof FormatError)) throw e;
    const finding = xmlFinding('paddleParamsMalformed', e.message, e.offset === undefined ? {} : { offset: e.offset });
    return validatorOutcome('paddle-params', [finding], ctx);
  }
}
