'use client';
import { useState } from 'react';
import type { Report } from '@/core/report/schema';
import { getOrCreateBrowserKey } from '@/lib/browser-key';
import { downloadBlob } from '@/lib/download-blob';
import { signFolder } from '@/lib/sign-folder';

/** Signs the verified folder (OpenSSF Model Signing) with this browser's key and downloads model.sig. */
export function SignFolderButton({ report }: { report: Report }) {
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const sign = async () => {
    setError(null);
    try {
      const bytes = await signFolder(report, await getOrCreateBrowserKey());
      downloadBlob(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/json' }), 'model.sig');
      setDone(true);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <section className="rounded-xl border border-slate-200 bg-white p-6 text-sm">
      <h2 className="text-lg font-semibold">Sign this folder</h2>
      <p className="mt-1 text-slate-700">
        Creates an OpenSSF Model Signing <code>model.sig</code> over these {report.subject.files.length} files with this
        browser&apos;s key. Anyone with your public key (Keys page) can check it, e.g. with{' '}
        <code>model_signing verify key</code> or <code>modelgate verify --key</code>.
      </p>
      <button type="button" data-testid="sign-folder" className="btn-secondary mt-3" onClick={sign}>
        Sign and download model.sig
      </button>
      {done && <p className="mt-2 text-emerald-800">model.sig downloaded. Put it in the model folder.</p>}
      {error && (
        <p role="alert" className="mt-2 text-red-800">
          {error}
        </p>
      )}
    </section>
  );
}
