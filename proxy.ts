import { NextResponse, type NextRequest } from 'next/server';
import { contentSecurityPolicy } from './lib/security-headers.mjs';

/**
 * Sends a strict CSP with a fresh nonce on every page. Next.js reads the nonce from the request's CSP
 * header and puts it on its own inline bootstrap scripts, so no inline script runs without it.
 */
export function proxy(request: NextRequest) {
  const nonce = btoa(crypto.randomUUID());
  // The Hub is reachable only from the Verify page opened with ?hub=on, i.e. after the user asked for it.
  const hub = request.nextUrl.pathname === '/' && request.nextUrl.searchParams.get('hub') === 'on';
  const csp = contentSecurityPolicy({ nonce, dev: process.env.NODE_ENV === 'development', hub });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('x-nonce', nonce);
  requestHeaders.set('Content-Security-Policy', csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('Content-Security-Policy', csp);
  return response;
}

export const config = {
  matcher: [
    {
      source: '/((?!_next/static|_next/image|favicon.ico|workers/|ort/|demo/).*)',
      missing: [
        { type: 'header', key: 'next-router-prefetch' },
        { type: 'header', key: 'purpose', value: 'prefetch' },
      ],
    },
  ],
};
