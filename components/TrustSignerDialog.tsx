'use client';
import { useEffect, useRef, useState } from 'react';
import { formatFingerprint } from '@/core/sign/fingerprint';

/**
 * Trusting a signer from a link: the fingerprint is shown to compare with one the signer gave another way,
 * the reader names the signer (that name is what later links show), and confirms that they compared.
 */
export function TrustSignerDialog({
  fingerprint,
  onTrust,
  onClose,
}: {
  fingerprint: string;
  onTrust: (label: string) => Promise<void>;
  onClose: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [label, setLabel] = useState('');
  const [compared, setCompared] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  return (
    <dialog
      ref={dialog}
      data-testid="trust-dialog"
      aria-labelledby="trust-title"
      className="m-auto w-[min(36rem,calc(100vw-2rem))] rounded-xl border border-slate-300 p-6 backdrop:bg-slate-900/50"
      onClose={onClose}
    >
      <form
        method="dialog"
        className="space-y-3 text-sm"
        onSubmit={async (e) => {
          e.preventDefault();
          try {
            await onTrust(label);
            dialog.current?.close();
          } catch (err) {
            setError((err as Error).message);
          }
        }}
      >
        <h2 id="trust-title" className="text-lg font-semibold">
          Trust this signer?
        </h2>
        <p>
          Reports signed with this key will show as coming from the name you give here. Only do this if the signer gave
          you this same fingerprint some other way (in person, by phone, on their website):
        </p>
        <code data-testid="trust-fingerprint" className="break-anywhere block rounded bg-slate-100 p-2 font-mono">
          {formatFingerprint(fingerprint)}
        </code>
        <label htmlFor="trust-label" className="block font-medium">
          Name of the signer
        </label>
        <input
          id="trust-label"
          data-testid="trust-label"
          required
          maxLength={200}
          value={label}
          onChange={(e) => setLabel(e.target.value)}
          className="w-full rounded border border-slate-400 p-2"
        />
        <label className="flex items-start gap-2">
          <input
            type="checkbox"
            data-testid="trust-compared"
            required
            checked={compared}
            onChange={(e) => setCompared(e.target.checked)}
            className="mt-1"
          />
          <span>I compared this fingerprint with the one the signer gave me, and they are the same.</span>
        </label>
        {error && (
          <p role="alert" className="text-red-800">
            {error}
          </p>
        )}
        <div className="flex flex-wrap justify-end gap-2">
          <button type="button" className="btn-secondary" autoFocus onClick={() => dialog.current?.close()}>
            Cancel
          </button>
          <button type="submit" data-testid="trust-confirm" className="btn-primary">
            Trust this signer
          </button>
        </div>
      </form>
    </dialog>
  );
}
