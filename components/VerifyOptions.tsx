'use client';

import type { VerifyPageOptions } from '@/lib/verify-options';

/**
 * What to verify the files against: the publisher's key or CA for a model.sig in the folder, and (only
 * on the page opened with ?hub=on, whose CSP allows huggingface.co) a Hub revision.
 */
export function VerifyOptions({
  value,
  onChange,
  hubEnabled,
}: {
  value: VerifyPageOptions;
  /** Receives only the changed fields, so two quick edits never overwrite each other. */
  onChange: (patch: Partial<VerifyPageOptions>) => void;
  hubEnabled: boolean;
}) {
  const set = onChange;
  return (
    <details className="rounded-xl border border-slate-200 bg-white p-4 text-sm" data-testid="verify-options">
      <summary className="cursor-pointer font-medium">Compare with what the publisher published (optional)</summary>
      <div className="mt-3 grid gap-4 md:grid-cols-2">
        <div>
          <label htmlFor="opt-key" className="block font-medium">
            Publisher&apos;s public key (PEM), to check a model.sig
          </label>
          <textarea
            id="opt-key"
            data-testid="opt-public-key"
            rows={4}
            value={value.publicKeyPem}
            onChange={(e) => set({ publicKeyPem: e.target.value })}
            placeholder="-----BEGIN PUBLIC KEY-----"
            className="mt-1 w-full rounded border border-slate-300 p-2 font-mono text-xs"
          />
        </div>
        <div>
          <label htmlFor="opt-ca" className="block font-medium">
            Or trusted CA certificates (PEM), for a certificate-signed model.sig
          </label>
          <textarea
            id="opt-ca"
            data-testid="opt-ca"
            rows={4}
            value={value.caPem}
            onChange={(e) => set({ caPem: e.target.value })}
            placeholder="-----BEGIN CERTIFICATE-----"
            className="mt-1 w-full rounded border border-slate-300 p-2 font-mono text-xs"
          />
        </div>
        <label className="block">
          <span className="font-medium">Signature file, if it is not the folder&apos;s model.sig</span>
          <input
            type="file"
            data-testid="opt-signature-file"
            onChange={(e) => set({ signatureFile: e.target.files?.[0] ?? null })}
            className="mt-1 block w-full text-xs"
          />
        </label>
        <fieldset className="md:col-span-2">
          <legend className="font-medium">Or Sigstore keyless: who must have signed</legend>
          <div className="mt-1 grid gap-2 md:grid-cols-3">
            <label className="block">
              <span className="text-xs">Trusted root (trusted_root.json)</span>
              <input
                type="file"
                accept=".json,application/json"
                data-testid="opt-trusted-root"
                onChange={async (e) => set({ trustedRootJson: (await e.target.files?.[0]?.text()) ?? '' })}
                className="mt-1 block w-full text-xs"
              />
            </label>
            <label className="block">
              <span className="text-xs">Signer identity (email or URI)</span>
              <input
                data-testid="opt-identity"
                value={value.identity}
                onChange={(e) => set({ identity: e.target.value.trim() })}
                className="mt-1 w-full rounded border border-slate-300 p-2"
              />
            </label>
            <label className="block">
              <span className="text-xs">OIDC issuer (URL)</span>
              <input
                data-testid="opt-issuer"
                value={value.issuer}
                onChange={(e) => set({ issuer: e.target.value.trim() })}
                className="mt-1 w-full rounded border border-slate-300 p-2"
              />
            </label>
          </div>
        </fieldset>
        <label className="block">
          <span className="font-medium">Paths the signature leaves out (one per line)</span>
          <textarea
            data-testid="opt-ignore-paths"
            rows={2}
            value={value.ignorePaths}
            onChange={(e) => set({ ignorePaths: e.target.value })}
            className="mt-1 w-full rounded border border-slate-300 p-2 font-mono text-xs"
          />
        </label>
        <label className="flex items-center gap-2">
          <input
            type="checkbox"
            checked={value.ignoreUnsigned}
            onChange={(e) => set({ ignoreUnsigned: e.target.checked })}
          />
          Ignore files the signature does not cover
        </label>
      </div>
      <div className="mt-4 border-t border-slate-200 pt-3">
        {hubEnabled ? (
          <div className="grid gap-2 md:grid-cols-2">
            <label className="block">
              <span className="font-medium">Hugging Face repo</span>
              <input
                data-testid="opt-hub-repo"
                value={value.hubRepo}
                onChange={(e) => set({ hubRepo: e.target.value.trim() })}
                placeholder="owner/model"
                className="mt-1 w-full rounded border border-slate-300 p-2"
              />
            </label>
            <label className="block">
              <span className="font-medium">Revision (a commit is best; a branch is resolved to one)</span>
              <input
                data-testid="opt-hub-revision"
                value={value.hubRevision}
                onChange={(e) => set({ hubRevision: e.target.value.trim() })}
                placeholder="main"
                className="mt-1 w-full rounded border border-slate-300 p-2"
              />
            </label>
            <p className="text-xs text-slate-700 md:col-span-2">
              Only the repo&apos;s file list is fetched from huggingface.co; no file of yours is sent.
            </p>
          </div>
        ) : (
          // A full page load on purpose (not client routing): the new document gets the CSP that allows the Hub.
          <a href="/?hub=on" data-testid="enable-hub" className="text-indigo-800 underline">
            Compare with a Hugging Face Hub revision (allows this page to contact huggingface.co)
          </a>
        )}
      </div>
    </details>
  );
}
