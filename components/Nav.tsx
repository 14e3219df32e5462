import Link from 'next/link';

export function Nav() {
  return (
    <header className="border-b border-slate-200 bg-white">
      <nav className="mx-auto flex max-w-5xl items-center gap-6 px-4 py-3" aria-label="Main">
        <Link href="/" className="text-lg font-bold text-slate-900">
          ModelGate
        </Link>
        <Link href="/" className="text-sm text-slate-700 hover:underline">
          Verify
        </Link>
        <Link href="/compare" className="text-sm text-slate-700 hover:underline">
          Compare
        </Link>
        <Link href="/registry" className="text-sm text-slate-700 hover:underline">
          Registry
        </Link>
        <Link href="/keys" className="text-sm text-slate-700 hover:underline">
          Keys
        </Link>
        <span className="ml-auto text-xs text-slate-600">Runs entirely in your browser. Nothing is uploaded.</span>
      </nav>
    </header>
  );
}
