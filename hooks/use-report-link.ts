'use client';
import { useEffect, useState } from 'react';
import { verifyReportLink } from '@/core/sign/verify-link';
import { spkiToPem } from '@/core/sign/fingerprint';
import { parseReport } from '@/core/report/parse-report';
import type { Report } from '@/core/report/schema';
import { isTrustedSigner } from '@/lib/trusted-signers';

export type LinkState =
  | { status: 'checking' }
  | { status: 'empty' }
  | { status: 'malformed'; reason: string }
  | { status: 'invalid'; reason: string; fingerprint?: string }
  | { status: 'valid'; fingerprint: string; publicKeyPem: string; trusted: boolean; report: Report };

/**
 * Reads the report from the URL fragment (never sent to a server), verifies its signature, then parses it.
 * A report is only ever shown after both succeed.
 */
export function useReportLink(): { state: LinkState; markTrusted: () => void } {
  const [state, setState] = useState<LinkState>({ status: 'checking' });
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
      const trusted = await isTrustedSigner(verified.fingerprint).catch(() => false);
      const publicKeyPem = spkiToPem(verified.publicKeySpki);
      setState({ status: 'valid', fingerprint: verified.fingerprint, publicKeyPem, trusted, report: parsed.report });
    };
    void check();
    window.addEventListener('hashchange', check);
    return () => window.removeEventListener('hashchange', check);
  }, []);
  const markTrusted = () => setState((s) => (s.status === 'valid' ? { ...s, trusted: true } : s));
  return { state, markTrusted };
}
