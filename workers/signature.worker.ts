import { expose } from 'comlink';
import { verifyModel } from '@/core/sign/oms/verify-model';
import type { OmsResult, OmsTrust } from '@/core/sign/oms/result';
import { createSha256Wasm } from '@/core/hash/sha256-wasm';
import { fileByteSource } from './file-byte-source';

/** Verifies an OMS model.sig against the dropped files (shard ranges are hashed here, off the page). */
const api = {
  async verify(
    signature: File,
    files: { path: string; file: File; sha256?: string }[],
    trust: OmsTrust,
    options: { ignoreUnsigned: boolean; ignorePaths: string[]; signaturePath?: string },
  ): Promise<OmsResult> {
    return verifyModel({
      signature: new Uint8Array(await signature.arrayBuffer()),
      model: {
        files: files.map((f) => ({
          path: f.path,
          size: f.file.size,
          ...(f.sha256 ? { sha256: f.sha256 } : {}),
          source: fileByteSource(f.file, f.path),
        })),
        createHasher: createSha256Wasm,
      },
      trust,
      options,
    });
  },
};

export type SignatureWorkerApi = typeof api;
expose(api);
