'use client';
import { useCompare } from '@/hooks/use-compare';
import { FolderPicker } from './FolderPicker';
import { LineageView } from './LineageView';
import { ProgressBar } from './ProgressBar';
import { ReportLinkBox } from './ReportLinkBox';
import { VerdictCard } from './VerdictCard';

/** The Compare page: is this fine-tune really derived from the base it names? (issue #5, weights section) */
export function CompareScreen() {
  const { base, finetune, pickBase, pickFinetune, state, run } = useCompare();
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold">Compare a fine-tune with its base</h1>
        <p className="mt-1 text-slate-700">
          Weights are compared tensor by tensor in this browser (WebGPU when available), reading both models in chunks.
          Nothing is uploaded.
        </p>
      </div>
      <div className="grid gap-4 md:grid-cols-2">
        <FolderPicker
          label="Fine-tune (the model to check)"
          picked={finetune}
          testId="finetune-input"
          onFiles={pickFinetune}
        />
        <FolderPicker label="Declared base model" picked={base} testId="base-input" onFiles={pickBase} />
      </div>
      <button
        type="button"
        data-testid="run-compare"
        className="btn-primary"
        disabled={!base || !finetune || state.phase === 'running'}
        onClick={run}
      >
        Compare weights
      </button>
      {state.phase === 'running' && (
        <div aria-live="polite" className="space-y-1 text-sm">
          <p>
            Tensor {state.done + 1} of {state.total || '…'} {state.tensor && `(${state.tensor})`}
          </p>
          <ProgressBar value={state.done} max={state.total || 1} label="Tensors compared" />
        </div>
      )}
      {state.phase === 'error' && (
        <p role="alert" className="rounded border border-red-300 bg-red-50 p-3 text-red-900">
          {state.message}
        </p>
      )}
      {state.phase === 'done' && (
        <>
          <p className="text-sm text-slate-700" data-testid="compare-engine" data-engine={state.result.engine}>
            {state.report.subject.name} vs {state.baseName}: {state.result.elements.toLocaleString('en')} weights
            compared on{' '}
            {state.result.engine === 'webgpu'
              ? `WebGPU (${state.result.adapter ?? 'GPU'})`
              : 'the CPU (no WebGPU adapter)'}{' '}
            in {state.result.seconds.toFixed(2)} s.
          </p>
          <LineageView lineage={state.result.lineage} />
          <VerdictCard report={state.report} />
          {state.link && <ReportLinkBox link={state.link} />}
        </>
      )}
    </div>
  );
}
