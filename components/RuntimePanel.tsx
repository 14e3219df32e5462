import type { RuntimeCheck } from '@/hooks/use-runtime-check';
import { SafeText } from './SafeText';

/**
 * Says honestly what this browser can run. A non-engineer reads one plain sentence (graphics chip or
 * processor); the engine names, adapter and vendor strings, threads and the self-test numbers are behind
 * "Details" for whoever needs them.
 */
export function RuntimePanel({ check, onRun }: { check: RuntimeCheck; onRun: () => void }) {
  const { features, webgpu, wasm } = check;
  const engine = webgpu?.ok ? 'webgpu' : wasm?.ok ? 'wasm' : null;
  return (
    <section data-testid="runtime-panel" className="rounded-xl border border-slate-200 bg-white p-4 text-sm">
      <h2 className="font-semibold">This browser</h2>
      {!features ? (
        <p>Detecting…</p>
      ) : (
        <p data-testid="runtime-summary" data-gpu={features.webgpu === 'available' ? 'true' : 'false'}>
          {features.webgpu === 'available'
            ? "Behavior checks can use this computer's graphics chip."
            : 'Behavior checks will run on the processor, slower.'}
        </p>
      )}
      <button
        type="button"
        data-testid="run-engine-check"
        className="btn-secondary mt-3"
        disabled={check.running}
        onClick={onRun}
      >
        {check.running ? 'Running the demo model…' : 'Test both with the demo model'}
      </button>
      {(webgpu || wasm) && (
        <p className="mt-2 font-medium" data-testid="engine-used">
          {engine === 'webgpu'
            ? 'Inference uses WebGPU.'
            : engine === 'wasm'
              ? 'Inference uses WASM (WebGPU could not run the model).'
              : 'No engine could run the model.'}
        </p>
      )}
      <details className="mt-2" data-testid="runtime-details">
        <summary className="w-fit cursor-pointer text-slate-700">Details</summary>
        {features && (
          <ul className="mt-1 space-y-0.5 text-slate-800">
            <li data-testid="webgpu-status" className="break-anywhere">
              {features.webgpu === 'available' ? (
                <>
                  {'WebGPU available ('}
                  {/* The adapter strings come from the browser and the driver: shown, never interpreted. */}
                  <SafeText text={features.adapter ?? 'unknown'} />)
                </>
              ) : features.webgpu === 'no-adapter' ? (
                'WebGPU present but no GPU adapter: using WASM'
              ) : (
                'WebGPU not supported: using WASM'
              )}
            </li>
            <li data-testid="isolation-status">
              {features.crossOriginIsolated
                ? `Cross-origin isolated: WASM can use threads (${features.cores} cores)`
                : 'Not cross-origin isolated: WASM runs on one thread'}
            </li>
          </ul>
        )}
        {(webgpu || wasm) && (
          <div className="mt-2 space-y-1" data-testid="engine-result" data-engine={engine ?? 'none'}>
            <EngineLine name="WebGPU" run={webgpu} testId="engine-webgpu" />
            <EngineLine name="WASM" run={wasm} testId="engine-wasm" />
            {check.maxAbsDiff !== undefined && (
              <p data-testid="engine-diff" data-value={check.maxAbsDiff}>
                Largest difference between the two engines&apos; logits: {check.maxAbsDiff.toExponential(2)}
              </p>
            )}
          </div>
        )}
      </details>
    </section>
  );
}

function EngineLine({ name, run, testId }: { name: string; run?: RuntimeCheck['webgpu']; testId: string }) {
  if (!run) return null;
  if (!run.ok)
    return (
      <p data-testid={testId} data-ok="false" className="break-anywhere">
        {name}: could not run — {run.error}
      </p>
    );
  const { result } = run;
  return (
    <p data-testid={testId} data-ok="true" data-logits={JSON.stringify(result.logits)} className="break-anywhere">
      {name}: ran in {result.runMs.toFixed(1)} ms (session {result.sessionMs.toFixed(0)} ms), logits [
      {result.logits.map((v) => v.toFixed(4)).join(', ')}]
    </p>
  );
}
