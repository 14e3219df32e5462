'use client';
import { useEffect, useState } from 'react';
import { verifyReportLink } from '@/core/sign/verify-link';
import { spkiToPem } from '@/core/sign/fingerprint';
import { identifySigner, type SignerIdentity } from '@/core/sign/signer-identity';
import { parseReport } from '@/core/report/parse-report';
import { reportInconsistencies } from '@/core/verify/report-consistency';
import type { Report } from '@/core/report/schema';
import { findTrustedSigner } from '@/lib/trusted-signers';
import { findBrowserKeyFingerprint } from '@/lib/browser-key';
import { loadSiteSigners } from '@/lib/site-signers';

export interface Signer {
  fingerprint: string;
  publicKeyPem: string;
  identity: SignerIdentity;
}

export type LinkState =
  | { status: 'checking' }
  | { status: 'empty' }
  | { status: 'malformed'; reason: string }
  | { status: 'invalid'; reason: string; fingerprint?: string }
  | { status: 'inconsistent'; problems: string[]; signer: Signer }
  | { status: 'valid'; signer: Signer; report: Report; siteProblem?: string };

/** Who this browser knows the signer to be: its own key, a key the reader trusted, a site-pinned key. */
async function identify(fingerprint: string): Promise<{ identity: SignerIdentity; siteProblem?: string }> {
  const [browserKey, trusted, site] = await Promise.all([
    findBrowserKeyFingerprint().catch(() => undefined),
    findTrustedSigner(fingerprint).catch(() => undefined),
    loadSiteSigners(),
  ]);
  const identity = identifySigner(fingerprint, {
    ...(browserKey ? { browserKey } : {}),
    trusted: trusted ? [trusted] : [],
    site: site.signers,
  });
  return { identity, ...(site.problem ? { siteProblem: site.problem } : {}) };
}

/**
 * Reads the report from the URL fragment (never sent to a server), verifies its signature, parses it,
 * recomputes what it claims (verdict, whole-model digest) and finds out who signed it. A report is shown
 * only after all of that; one that does not follow from itself is refused whoever signed it.
 */
export function useReportLink(): { state: LinkState; recheck: () => void } {
  const [state, setState] = useState<LinkState>({ status: 'checking' });
  // Trusting a signer reruns the whole check, so the page shows what a fresh load would.
  const [round, setRound] = useState(0);
  useEffect(() => {
    const check = async () => {
      setState({ status: 'checking' });
      const fragment = location.hash.replace(/^#/, '');
      if (!fragment) return setState({ status: 'empty' });
      const verified = await verifyReportLink(fragment);
      if (verified.status !== 'valid') return setState(verified);
      let json: unknown;
      try {
        json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(verified.payload));
      } catch {
        return setState({ status: 'malformed', reason: 'the signed payload is not JSON' });
      }
      const parsed = parseReport(json);
      if (!parsed.ok) return setState({ status: 'malformed', reason: parsed.reason });
      const { identity, siteProblem } = await identify(verified.fingerprint);
      const signer = { fingerprint: verified.fingerprint, publicKeyPem: spkiToPem(verified.publicKeySpki), identity };
      const problems = await reportInconsistencies(parsed.report);
      if (problems.length > 0) return setState({ status: 'inconsistent', problems, signer });
      setState({ status: 'valid', signer, report: parsed.report, ...(siteProblem ? { siteProblem } : {}) });
    };
    void check();
    window.addEventListener('hashchange', check);
    return () => window.removeEventListener('hashchange', check);
  }, [round]);
  return { state, recheck: () => setRound((r) => r + 1) };
}
