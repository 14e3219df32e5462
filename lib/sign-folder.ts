import { signModel } from '@/core/sign/oms/sign-model';
import type { Report } from '@/core/report/schema';
import type { BrowserKey } from './browser-key';

/**
 * An OMS v1.0 model.sig (method: private key, serialization: files, sha256) over the verified folder,
 * signed with this browser's P-256 key. `model_signing verify key --signature model.sig
 * --public_key <the Keys page's PEM> <folder>` accepts it.
 */
export async function signFolder(report: Report, key: BrowserKey): Promise<Uint8Array> {
  const files = report.subject.files.filter((f) => f.path !== 'model.sig');
  const unhashed = files.filter((f) => !f.sha256).map((f) => f.path);
  if (unhashed.length > 0) throw new Error(`cannot sign: not every file was fingerprinted (${unhashed.join(', ')})`);
  return signModel({
    name: report.subject.name,
    files: files.map((f) => ({ path: f.path, sha256: f.sha256! })),
    privateKey: key.privateKey,
    publicKeySpki: key.publicKeySpki,
  });
}
