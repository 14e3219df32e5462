import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { Nav } from '@/components/Nav';
import { HydrationMarker } from '@/components/HydrationMarker';
import { SkipLink } from '@/components/SkipLink';
import './globals.css';

export const metadata: Metadata = {
  title: 'ModelGate — verify an AI model in your browser',
  description: 'Integrity, malware-in-weights and behavior checks for AI models, entirely in your browser.',
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Reading the request headers makes every page render per request, so Next can apply proxy.ts's CSP nonce.
  await headers();
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 text-slate-900">
        <SkipLink target="main" />
        <HydrationMarker />
        <Nav />
        {/* tabIndex -1: the skip link moves focus here (it is not a stop in the Tab order). */}
        <main id="main" tabIndex={-1} className="mx-auto max-w-5xl px-4 py-8">
          {children}
        </main>
      </body>
    </html>
  );
}
