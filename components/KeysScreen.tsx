'use client';
import { useState } from 'react';
import { useSiteSigners } from '@/hooks/use-site-signers';
import { SafeText } from './SafeText';
import { formatFingerprint, spkiToPem } from '@/core/sign/fingerprint';
import { useSigningKey } from '@/hooks/use-signing-key';
import { useTrustedSigners } from '@/hooks/use-trusted-signers';
import { downloadBlob } from '@/lib/download-blob';
import { CopyButton } from './CopyButton';

/** This browser's signing key and the list of signers it trusts. */
export function KeysScreen() {
  const key = useSigningKey();
  const { signers, add, remove } = useTrustedSigners();
  const [pem, setPem] = useState('');
  const [label, setLabel] = useState('');
  const [error, setError] = useState<string | null>(null);
  const publicPem = key.status === 'ready' ? spkiToPem(key.key.publicKeySpki) : '';

  const download = () =>
    downloadBlob(new Blob([publicPem], { type: 'application/x-pem-file' }), 'modelgate-public-key.pem');

  return (
    <div className="space-y-8">
      <section className="rounded-xl border border-slate-200 bg-white p-6">
        <h1 className="text-2xl font-bold">This browser&apos;s signing key</h1>
        {key.status === 'loading' && <p>Loading…</p>}
        {key.status === 'error' && <p role="alert">The key could not be loaded: {key.message}</p>}
        {key.status === 'ready' && (
          <>
            <p className="mt-2 text-sm text-slate-700">
              Reports made here are signed with an ECDSA P-256 key created in this browser on{' '}
              {new Date(key.key.createdAt).toUTCString()}. Its private half cannot be exported, not even by ModelGate.
            </p>
            <p className="mt-3 text-sm">Fingerprint (SHA-256 of the public key):</p>
            <code
              data-testid="own-fingerprint"
              data-fingerprint={key.key.fingerprint}
              className="break-anywhere block text-base"
            >
              {formatFingerprint(key.key.fingerprint)}
            </code>
            <pre
              data-testid="own-public-key"
              className="mt-3 overflow-x-auto rounded bg-slate-100 p-3 text-xs whitespace-pre-wrap break-all"
            >
              {publicPem}
            </pre>
            <div className="mt-2 flex gap-2">
              <CopyButton text={publicPem} label="Copy public key" />
              <button type="button" className="btn-secondary" onClick={download}>
                Download public key (PEM)
              </button>
            </div>
          </>
        )}
      </section>
      <section className="rounded-xl border border-slate-200 bg-white p-6">
        <h2 className="text-xl font-semibold">Trusted signers</h2>
        <p className="mt-1 text-sm text-slate-700">
          Reports signed by these keys are shown as coming from a trusted signer.
        </p>
        {signers && signers.length === 0 && <p className="mt-3 text-sm">No trusted signers yet.</p>}
        <ul className="mt-3 space-y-2" data-testid="trusted-signers">
          {signers?.map((s) => (
            <li
              key={s.fingerprint}
              data-testid="trusted-signer"
              data-fingerprint={s.fingerprint}
              className="flex flex-wrap items-center gap-3 text-sm"
            >
              <SafeText text={s.label} className="font-medium" />
              <code className="break-anywhere text-xs">{formatFingerprint(s.fingerprint)}</code>
              <button type="button" className="btn-secondary ml-auto" onClick={() => void remove(s.fingerprint)}>
                Remove
              </button>
            </li>
          ))}
        </ul>
        <form
          className="mt-4 space-y-2"
          onSubmit={async (e) => {
            e.preventDefault();
            setError(null);
            try {
              await add(pem, label);
              setPem('');
              setLabel('');
            } catch (err) {
              setError((err as Error).message);
            }
          }}
        >
          <label className="block text-sm font-medium" htmlFor="signer-label">
            Name
          </label>
          <input
            id="signer-label"
            data-testid="signer-label"
            value={label}
            onChange={(e) => setLabel(e.target.value)}
            className="w-full rounded border border-slate-300 p-2 text-sm"
          />
          <label className="block text-sm font-medium" htmlFor="signer-pem">
            Public key (PEM)
          </label>
          <textarea
            id="signer-pem"
            data-testid="signer-pem"
            value={pem}
            onChange={(e) => setPem(e.target.value)}
            rows={5}
            className="w-full rounded border border-slate-300 p-2 font-mono text-xs"
            placeholder="-----BEGIN PUBLIC KEY-----"
          />
          <button type="submit" data-testid="add-signer" className="btn-primary">
            Add trusted signer
          </button>
          {error && (
            <p role="alert" data-testid="signer-error" className="text-sm text-red-800">
              {error}
            </p>
          )}
        </form>
      </section>
      <SiteSigners />
    </div>
  );
}

/** The keys pinned by whoever deploys this portal (public/trusted-signers.json): read-only here. */
function SiteSigners() {
  const site = useSiteSigners();
  return (
    <section className="rounded-xl border border-slate-200 bg-white p-6" data-testid="site-signers">
      <h2 className="text-xl font-semibold">Trusted by this site</h2>
      <p className="mt-1 text-sm text-slate-700">
        Keys the people who run this portal pinned for their organisation. Links they sign show as &ldquo;trusted by
        this site&rdquo;; a name you give the same key above takes precedence.
      </p>
      {site?.problem && (
        <p role="alert" className="mt-2 text-sm text-amber-900">
          {site.problem}
        </p>
      )}
      {site && site.signers.length === 0 && !site.problem && <p className="mt-3 text-sm">This site pins no keys.</p>}
      <ul className="mt-3 space-y-2">
        {site?.signers.map((s) => (
          <li key={s.fingerprint} data-testid="site-signer" className="flex flex-wrap items-center gap-3 text-sm">
            <SafeText text={s.label} className="font-medium" />
            <code className="break-anywhere text-xs">{formatFingerprint(s.fingerprint)}</code>
          </li>
        ))}
      </ul>
    </section>
  );
}
