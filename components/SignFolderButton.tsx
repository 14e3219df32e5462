'use client';
import { useState } from 'react';
import type { Report } from '@/core/report/schema';
import { getOrCreateBrowserKey } from '@/lib/browser-key';
import { downloadBlob } from '@/lib/download-blob';
import { signFolder } from '@/lib/sign-folder';
import { ConfirmFailDialog } from './ConfirmFailDialog';

/** What the page says once model.sig is saved: only a passed model's signature is ready to ship with it. */
const SIGNED = {
  pass: 'model.sig downloaded. Put it in the model folder.',
  review:
    'model.sig downloaded. Put it in the model folder only once a person has reviewed the findings above: your key vouches for these files.',
  fail: 'model.sig downloaded for a model that FAILED verification. Do not ship it with the model: your key now vouches for files with the problems above. Delete it unless you are certain.',
} as const;

/**
 * Signs the verified folder (OpenSSF Model Signing) with this browser's key and downloads model.sig. A model that
 * did not pass is signed only after a confirmation naming its problems: a signature is read as "this is fine".
 */
export function SignFolderButton({ report }: { report: Report }) {
  const [error, setError] = useState<string | null>(null);
  const [signedVerdict, setSignedVerdict] = useState<Report['verdict'] | null>(null);
  const [asking, setAsking] = useState(false);
  const passed = report.verdict === 'pass';
  const sign = async () => {
    setError(null);
    setSignedVerdict(null);
    try {
      const bytes = await signFolder(report, await getOrCreateBrowserKey());
      downloadBlob(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/json' }), 'model.sig');
      setSignedVerdict(report.verdict);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <section
      aria-labelledby="sign-heading"
      data-testid="sign-section"
      className="rounded-xl border border-slate-200 bg-white p-6 text-sm print:hidden"
    >
      <h2 id="sign-heading" className="text-lg font-semibold">
        Sign this folder
      </h2>
      <p className="mt-1 text-slate-700">
        Creates an OpenSSF Model Signing <code>model.sig</code> over these {report.subject.files.length} files with this
        browser&apos;s key. Anyone with your public key (Keys page) can check it, e.g. with{' '}
        <code>model_signing verify key</code> or <code>modelgate verify --key</code>.
      </p>
      {!passed && (
        <p className="mt-1 font-medium text-red-800" data-testid="sign-warning">
          {report.verdict === 'fail'
            ? 'This model failed verification: a signature would vouch for files with the problems above.'
            : 'This model needs review: sign it only once a person has looked at the findings above.'}
        </p>
      )}
      <button
        type="button"
        data-testid="sign-folder"
        className="btn-secondary mt-3"
        onClick={() => (passed ? void sign() : setAsking(true))}
      >
        Sign and download model.sig
      </button>
      {signedVerdict && (
        <p
          role="status"
          data-testid="sign-done"
          className={signedVerdict === 'pass' ? 'mt-2 text-emerald-800' : 'mt-2 font-medium text-red-800'}
        >
          {SIGNED[signedVerdict]}
        </p>
      )}
      {error && (
        <p role="alert" className="mt-2 text-red-800">
          {error}
        </p>
      )}
      {!passed && (
        <ConfirmFailDialog
          open={asking}
          action="sign"
          report={report}
          onAnswer={(confirmed) => {
            setAsking(false);
            if (confirmed) void sign();
          }}
        />
      )}
    </section>
  );
}
