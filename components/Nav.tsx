import Link from 'next/link';

const LINK = 'text-sm text-slate-700 hover:underline';

export function Nav() {
  return (
    <header className="border-b border-slate-200 bg-white">
      {/* Wraps instead of overflowing: on a phone the links and the privacy line take two rows. */}
      <nav className="mx-auto flex max-w-5xl flex-wrap items-center gap-x-6 gap-y-1 px-4 py-3" aria-label="Main">
        <Link href="/" className="text-lg font-bold text-slate-900">
          ModelGate
        </Link>
        <Link href="/" className={LINK}>
          Verify
        </Link>
        <Link href="/compare" className={LINK}>
          Compare
        </Link>
        <Link href="/registry" className={LINK}>
          Registry
        </Link>
        <Link href="/keys" className={LINK}>
          Keys
        </Link>
        <span className="w-full text-xs text-slate-600 sm:ml-auto sm:w-auto">
          Runs entirely in your browser. Nothing is uploaded.
        </span>
      </nav>
    </header>
  );
}
