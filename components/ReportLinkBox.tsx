import { CopyButton } from './CopyButton';

/** The signed report link. The report lives in the fragment (after #), which browsers never send to a server. */
export function ReportLinkBox({ link, fingerprint }: { link: string; fingerprint?: string }) {
  return (
    <section className="rounded-xl border border-slate-200 bg-white p-6">
      <h2 className="text-lg font-semibold">Signed report link</h2>
      <p className="mt-1 text-sm text-slate-700">
        Anyone who opens this link sees this report and can check it was signed by this browser
        {fingerprint ? ` (key ${fingerprint.slice(0, 16)}…)` : ''}. The report travels inside the link; no server stores
        it. {link.length.toLocaleString('en')} characters.
      </p>
      <div className="mt-3 flex items-start gap-2">
        <textarea
          data-testid="report-link"
          readOnly
          value={link}
          aria-label="Signed report link"
          rows={3}
          className="w-full resize-none rounded border border-slate-300 p-2 font-mono text-xs"
        />
        <CopyButton text={link} label="Copy report link" testId="copy-link" />
      </div>
      <a href={link} target="_blank" rel="noopener" className="mt-2 inline-block text-sm text-indigo-800 underline">
        Open the link
      </a>
    </section>
  );
}
