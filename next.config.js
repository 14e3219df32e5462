import { ISOLATION_HEADERS, contentSecurityPolicy } from './lib/security-headers.mjs';

const dev = process.env.NODE_ENV === 'development';

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  async headers() {
    return [
      { source: '/:path*', headers: ISOLATION_HEADERS },
      // Pages get a per-request nonce CSP from proxy.ts; static scripts (workers, onnxruntime) get this one,
      // which a worker enforces for itself (a dedicated worker takes the CSP of its own response).
      {
        source: '/:dir(workers|ort|demo)/:path*',
        headers: [{ key: 'Content-Security-Policy', value: contentSecurityPolicy({ dev }) }],
      },
    ];
  },
};

export default nextConfig;
