'use client';
import { useRef, useState } from 'react';
import { useFocusVerdict } from '@/hooks/use-focus-verdict';
import { runSummary } from '@/lib/run-progress';
import { useVerification } from '@/hooks/use-verification';
import { useRuntimeCheck } from '@/hooks/use-runtime-check';
import { loadDemoModel } from '@/lib/demo-model';
import { DropZone } from './DropZone';
import { HashingProgress } from './HashingProgress';
import { ReportView } from './ReportView';
import { ReportLinkBox } from './ReportLinkBox';
import { RuntimePanel } from './RuntimePanel';
import { VerifyOptions } from './VerifyOptions';
import { SignFolderButton } from './SignFolderButton';
import { SaveToRegistry } from './SaveToRegistry';
import { RegistryComparison } from './RegistryComparison';
import { NO_OPTIONS, type VerifyPageOptions } from '@/lib/verify-options';

/** The Verify page: drop → live progress → verdict, files and a signed link. */
export function VerifyScreen({ hubEnabled = false }: { hubEnabled?: boolean }) {
  const { state, verifyEntries, cancel, reset } = useVerification();
  const { check, run } = useRuntimeCheck();
  const [demoError, setDemoError] = useState<string | null>(null);
  const [options, setOptions] = useState(NO_OPTIONS);
  // Handlers read the options from a ref: a drop or click right after typing must not see the state of the
  // render before the last keystroke (a stale closure would silently skip the key or Hub comparison).
  const optionsRef = useRef(NO_OPTIONS);
  const changeOptions = (patch: Partial<VerifyPageOptions>) => {
    optionsRef.current = { ...optionsRef.current, ...patch };
    setOptions(optionsRef.current);
  };
  const busy = state.phase === 'hashing';
  // The verdict is the answer: bring it into view and give it focus once, when a run ends.
  useFocusVerdict(state.phase === 'done' ? state.report : null);

  const tryDemo = async () => {
    setDemoError(null);
    try {
      await verifyEntries(await loadDemoModel(), optionsRef.current);
    } catch (error) {
      setDemoError(`The demo model could not be loaded: ${(error as Error).message}`);
    }
  };

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold">Verify a model before you deploy it</h1>
        <p className="mt-1 text-slate-700">
          Drop a model folder: every file is scanned for malware (code that runs when the model is loaded) and
          fingerprinted, and you get a plain verdict and a signed report you can share. Nothing leaves your computer.
        </p>
      </div>
      {state.phase !== 'hashing' && (
        <>
          <DropZone onFiles={(entries) => verifyEntries(entries, optionsRef.current)} disabled={busy} />
          <VerifyOptions value={options} onChange={changeOptions} hubEnabled={hubEnabled} />
          <div className="flex items-center gap-3">
            <button type="button" data-testid="try-demo" className="btn-primary" onClick={tryDemo}>
              Try the demo
            </button>
            <span className="text-sm text-slate-700">
              Verifies tiny-sentiment, a small model bundled with ModelGate.
            </span>
          </div>
          {demoError && (
            <p role="alert" className="text-sm text-red-800">
              {demoError}
            </p>
          )}
        </>
      )}
      {state.phase === 'hashing' && <HashingProgress progress={state.progress} onCancel={cancel} />}
      {state.phase === 'error' && (
        <p role="alert" data-testid="verify-error" className="rounded border border-red-300 bg-red-50 p-3 text-red-900">
          {state.message}
        </p>
      )}
      {state.phase === 'done' && (
        <>
          <div className="flex items-center justify-between text-sm text-slate-700">
            <span
              data-testid="hash-summary"
              data-bytes-per-second={state.bytesPerSecond ?? undefined}
              data-seconds={state.seconds}
              data-scan-seconds={state.scanSeconds}
              data-cancelled={state.end.cancelled ? 'true' : undefined}
            >
              {runSummary(state.end)}
            </span>
            <button type="button" className="btn-secondary" onClick={reset}>
              Verify another model
            </button>
          </div>
          {state.registry && <RegistryComparison comparison={state.registry} />}
          <ReportView report={state.report} bom={state.card ? { card: state.card } : {}} />
          <SignFolderButton report={state.report} />
          {state.link ? (
            <ReportLinkBox link={state.link} />
          ) : (
            <p role="alert" className="text-sm text-red-800">
              {state.linkError}
            </p>
          )}
          <SaveToRegistry
            key={state.report.createdAt}
            modelName={state.modelName}
            report={state.report}
            link={state.link}
          />
        </>
      )}
      <RuntimePanel check={check} onRun={run} />
    </div>
  );
}
