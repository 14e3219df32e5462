'use client';
import type { BehaviorOptions as Options } from '@/hooks/use-compare';
import type { ModelKind } from '@/core/probe/types';

/** Probe set, model kind, execution provider and trigger-search budget of the behavioral comparison. */
export function BehaviorOptions({
  options,
  onChange,
  onProbeFile,
  probeError,
}: {
  options: Options;
  onChange: (o: Options) => void;
  onProbeFile: (file: File | null) => void;
  probeError: string | null;
}) {
  const set = (patch: Partial<Options>) => onChange({ ...options, ...patch });
  return (
    <details className="rounded-xl border border-slate-200 bg-white p-4">
      <summary className="cursor-pointer font-medium">Behavior options (probe set, model kind, engine)</summary>
      <div className="mt-3 grid gap-4 md:grid-cols-2">
        <div>
          <label htmlFor="probe-file" className="block text-sm font-medium">
            Probe set (JSONL; promptfoo JSONL or CSV also read)
          </label>
          <input
            id="probe-file"
            data-testid="probe-file"
            type="file"
            accept=".jsonl,.json,.csv"
            className="mt-1 text-sm"
            onChange={(e) => onProbeFile(e.target.files?.[0] ?? null)}
          />
          <p className="mt-1 text-xs text-slate-700" data-testid="probe-set-name">
            {options.probeSet
              ? `Using “${options.probeSet.header.probeset}”: ${options.probeSet.items.length} items.`
              : 'Built-in set for the model kind (sentiment or code-LM probes, public/probes/).'}
          </p>
          {probeError && (
            <p role="alert" className="mt-1 text-sm text-red-800" data-testid="probe-error">
              {probeError}
            </p>
          )}
        </div>
        <div className="space-y-2">
          <label className="block text-sm font-medium">
            Model kind
            <select
              className="mt-1 block rounded border border-slate-300 p-1"
              value={options.kind}
              data-testid="model-kind"
              onChange={(e) => set({ kind: e.target.value as ModelKind | 'auto' })}
            >
              <option value="auto">Detect from config.json and the ONNX graph</option>
              <option value="classifier">Sequence classifier</option>
              <option value="causal-lm">Causal language model</option>
            </select>
          </label>
          <label className="block text-sm font-medium">
            Engine
            <select
              className="mt-1 block rounded border border-slate-300 p-1"
              value={options.provider}
              data-testid="provider"
              onChange={(e) => set({ provider: e.target.value as Options['provider'] })}
            >
              <option value="auto">WebGPU, else WebAssembly</option>
              <option value="webgpu">WebGPU only</option>
              <option value="wasm">WebAssembly only</option>
            </select>
          </label>
          <label className="block text-sm font-medium">
            Trigger candidates to try
            <input
              type="number"
              min={0}
              max={4096}
              className="mt-1 block w-28 rounded border border-slate-300 p-1"
              value={options.triggerBudget}
              data-testid="trigger-budget"
              onChange={(e) => set({ triggerBudget: Math.max(0, Math.min(4096, Number(e.target.value) || 0)) })}
            />
          </label>
        </div>
      </div>
    </details>
  );
}
