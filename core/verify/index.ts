/**
 * The verification pipeline, once for every host: the Verify and Compare pages supply browser
 * capabilities (workers, File objects, IndexedDB), the CLI commands supply Node ones (the disk,
 * onnxruntime-node), and runVerification builds the same Report from them.
 */
export { runVerification, type Verification } from './run-verification.ts';
export type {
  BehaviorOutcome,
  LineageOutcome,
  SignatureOutcome,
  VerifyCapabilities,
  VerifyStep,
  VerifySubject,
} from './capabilities.ts';
export { GIT_SHA1_MAX_BYTES } from '../integrity/check-manifest.ts';
