import type { ByteSource } from '../io/byte-source.ts';
import { ADAPTER_CONFIG, ADAPTER_PICKLE, ADAPTER_WEIGHTS } from './adapter-folder.ts';
import { readAdapter, type AdapterReading } from './read-adapter.ts';

/** An adapter folder's own files (top level only, as peft saves them), read as an AdapterReading. */
export async function readAdapterFolder(folder: {
  paths: readonly string[];
  source(path: string): Promise<ByteSource>;
}): Promise<AdapterReading> {
  const wanted = [ADAPTER_CONFIG, ADAPTER_WEIGHTS, ADAPTER_PICKLE].filter((p) => folder.paths.includes(p));
  return readAdapter(await Promise.all(wanted.map((p) => folder.source(p))));
}
