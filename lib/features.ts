/** What this browser can do, detected rather than assumed, so the UI can say it honestly. */
export interface BrowserFeatures {
  crossOriginIsolated: boolean;
  webgpu: 'available' | 'no-adapter' | 'unsupported';
  adapter?: string;
  cores: number;
}

export async function detectFeatures(): Promise<BrowserFeatures> {
  const base = { crossOriginIsolated: self.crossOriginIsolated === true, cores: navigator.hardwareConcurrency || 1 };
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return { ...base, webgpu: 'unsupported' };
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { ...base, webgpu: 'no-adapter' };
    const info = adapter.info;
    return {
      ...base,
      webgpu: 'available',
      adapter: [info.vendor, info.architecture].filter(Boolean).join(' ') || 'unknown',
    };
  } catch {
    return { ...base, webgpu: 'no-adapter' };
  }
}
