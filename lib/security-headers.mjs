// Security headers shared by next.config.js (static files) and proxy.ts (pages, with a nonce).
// What they enforce: no inline script, connect-src 'self' only, cross-origin isolation for ORT threads.

/** COOP + COEP make the page crossOriginIsolated, which onnxruntime-web needs for wasm threads. */
export const ISOLATION_HEADERS = [
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
  { key: 'Cross-Origin-Embedder-Policy', value: 'require-corp' },
  { key: 'Cross-Origin-Resource-Policy', value: 'same-origin' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'no-referrer' },
];

/**
 * The Content-Security-Policy. `'wasm-unsafe-eval'` lets hash-wasm and onnxruntime compile WebAssembly;
 * it does not allow eval of JavaScript. Next's dev server needs 'unsafe-eval' (React debugging), never prod.
 * Inline style attributes are allowed (progress bar widths); inline script is not.
 */
/** The one third-party origin the portal may ever contact, and only on a page the user opened for it. */
export const HUB_ORIGIN = 'https://huggingface.co';

export function contentSecurityPolicy({ nonce, dev = false, hub = false } = {}) {
  const script = ["'self'", "'wasm-unsafe-eval'", nonce ? `'nonce-${nonce}'` : '', dev ? "'unsafe-eval'" : '']
    .filter(Boolean)
    .join(' ');
  return [
    "default-src 'self'",
    `script-src ${script}`,
    "worker-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    // blob: is this browser's own memory: object URLs of dropped files, which onnxruntime-web fetches to read
    // external weights over 2 GiB. It reaches no server.
    `connect-src 'self'${hub ? ` ${HUB_ORIGIN}` : ''} blob:${dev ? ' ws:' : ''}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
