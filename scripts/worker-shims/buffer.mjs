// Injected by esbuild into worker bundles only: seek-bzip (the bz2 decoder of the scanner) calls Node's
// `new Buffer(n)`, which browsers lack. feross/buffer is the standard browser implementation.
export { Buffer } from 'buffer';
