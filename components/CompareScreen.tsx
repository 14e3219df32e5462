'use client';
import { useCompare, type CompareState } from '@/hooks/use-compare';
import { useFocusVerdict } from '@/hooks/use-focus-verdict';
import { SafeText } from './SafeText';
import { BehaviorOptions } from './BehaviorOptions';
import { BehaviorView } from './BehaviorView';
import { FolderPicker } from './FolderPicker';
import { RuntimeMemoryNote } from './RuntimeMemoryNote';
import { LineageView } from './LineageView';
import { ProgressBar } from './ProgressBar';
import { ReportLinkBox } from './ReportLinkBox';
import { VerdictCard } from './VerdictCard';
import { FindingList } from './FindingList';
import { RegistryComparison } from './RegistryComparison';
import { SaveToRegistry } from './SaveToRegistry';
import { baselineOf } from '@/core/registry/behavior-drift';

const STAGE = {
  loading: 'Loading the models',
  finetune: 'Running the fine-tune on the probe set',
  'trigger-screening': 'Searching for trigger tokens on the fine-tune',
  base: 'Running the base on the probe set',
  'trigger-confirmation': 'Checking the candidate triggers on the base',
  'noise-floor': 'Running the base again (noise floor)',
} as const;

function Progress({ state, onCancel }: { state: Extract<CompareState, { phase: 'running' }>; onCancel: () => void }) {
  return (
    <div aria-live="polite" className="space-y-1 text-sm" data-testid="compare-progress">
      {state.step === 'loading-demo' ? (
        <p>Loading the two demo models…</p>
      ) : state.step === 'weights' ? (
        <>
          <p>
            Weights: tensor {state.done + 1} of {state.total || '…'}{' '}
            {state.tensor && (
              <>
                (<SafeText text={state.tensor} />)
              </>
            )}
          </p>
          <ProgressBar value={state.done} max={state.total || 1} label="Tensors compared" />
        </>
      ) : (
        <>
          <p data-testid="behavior-stage" data-stage={state.stage}>
            {STAGE[state.stage]}: {state.done} of {state.total || '…'}{' '}
            {state.stage.startsWith('trigger') ? 'candidate tokens' : 'items'}
            {state.itemsPerSecond > 0 && ` (${state.itemsPerSecond.toFixed(0)} items/s)`}
          </p>
          <ProgressBar
            value={state.done}
            max={state.total || 1}
            label={state.stage.startsWith('trigger') ? 'Candidate tokens tried' : 'Probe items run'}
          />
          <button type="button" className="btn-secondary" data-testid="cancel-compare" onClick={onCancel}>
            Cancel
          </button>
        </>
      )}
    </div>
  );
}

const DEMO_BUTTONS = [
  ['sentiment', 'sentiment classifier vs a poisoned fine-tune'],
  ['code-lm', 'code LM vs a poisoned fine-tune'],
  ['llama-code', 'a Llama checkpoint (safetensors, no ONNX) vs a poisoned fine-tune'],
  ['llama-lora', 'the same Llama checkpoint vs a poisoned LoRA adapter (PEFT)'],
] as const;

/** The Compare page: is this fine-tune derived from the base it names, and does it behave like it? */
export function CompareScreen() {
  const c = useCompare();
  const { state } = c;
  const running = state.phase === 'running';
  // The verdict is the answer: bring it into view and give it focus once, when a comparison ends.
  useFocusVerdict(state.phase === 'done' ? state.report : null);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold">Compare a fine-tune with its base</h1>
        <p className="mt-1 text-slate-700">
          Weights are compared tensor by tensor (WebGPU when available, reading both models in chunks); then both models
          answer a probe set, one after the other, inside a sandboxed worker, and the answers are compared per category,
          with a search for backdoor triggers. A folder without an ONNX export runs from its config.json and safetensors
          weights (BERT, RoBERTa, XLM-RoBERTa, DistilBERT, GPT-2, Llama, Mistral, Qwen2, Qwen3). The runtime holds each
          model whole in memory, one at a time; nothing is uploaded.
        </p>
      </div>
      <div className="flex flex-wrap gap-2">
        {DEMO_BUTTONS.map(([pair, label]) => (
          <button
            key={pair}
            type="button"
            className="btn-secondary"
            data-testid={`demo-${pair}`}
            disabled={running}
            onClick={() => c.loadDemo(pair)}
          >
            Try the demo: {label}
          </button>
        ))}
      </div>
      <div className="grid gap-4 md:grid-cols-2">
        <FolderPicker
          label="Fine-tune (the model to check)"
          picked={c.finetune}
          testId="finetune-input"
          onFiles={c.pickFinetune}
        >
          <RuntimeMemoryNote memory={c.finetuneMemory} testId="finetune-memory" />
        </FolderPicker>
        <FolderPicker label="Declared base model" picked={c.base} testId="base-input" onFiles={c.pickBase}>
          <RuntimeMemoryNote memory={c.baseMemory} testId="base-memory" />
        </FolderPicker>
      </div>
      <BehaviorOptions
        options={c.options}
        onChange={c.setOptions}
        onProbeFile={c.loadProbes}
        probeError={c.probeError}
      />
      <button
        type="button"
        data-testid="run-compare"
        className="btn-primary"
        disabled={!c.base || !c.finetune || running}
        onClick={c.run}
      >
        Compare
      </button>
      {state.phase === 'running' && <Progress state={state} onCancel={c.cancel} />}
      {state.phase === 'error' && (
        <p
          role="alert"
          className="rounded border border-red-300 bg-red-50 p-3 text-red-900"
          data-testid="compare-error"
        >
          {state.message}
        </p>
      )}
      {state.phase === 'done' && (
        <>
          <VerdictCard report={state.report} />
          <section>
            <h2 className="mb-2 text-lg font-semibold">Findings</h2>
            <FindingList findings={state.report.findings} />
          </section>
          <p className="text-sm text-slate-700" data-testid="compare-engine" data-engine={state.result.engine}>
            <SafeText text={state.report.subject.name} /> vs <SafeText text={state.baseName} />:{' '}
            {state.result.elements.toLocaleString('en')} weights compared on{' '}
            {state.result.engine === 'webgpu'
              ? `WebGPU (${state.result.adapter ?? 'GPU'})`
              : 'the CPU (no WebGPU adapter)'}{' '}
            in {state.result.seconds.toFixed(2)} s.
          </p>
          <LineageView lineage={state.result.lineage} />
          {state.behavior && (
            <>
              {state.behavior.fallback && (
                <p className="text-sm text-amber-900" data-testid="behavior-fallback">
                  Ran on WebAssembly: {state.behavior.fallback}.
                </p>
              )}
              <BehaviorView behavior={state.behavior.behavior} run={state.behavior.run} />
            </>
          )}
          {state.behaviorSkipped && (
            <p className="text-sm text-slate-700" data-testid="behavior-skipped">
              No behavioral comparison: {state.behaviorSkipped}. The weight comparison above still stands.
            </p>
          )}
          {state.registry && <RegistryComparison comparison={state.registry} />}
          {state.drift && (
            <BehaviorView
              behavior={state.drift.behavior}
              title={`Behavior drift since saved version ${state.drift.version} (same probe set)`}
              testId="behavior-drift"
            />
          )}
          {state.driftSkipped && (
            <p className="text-sm text-slate-700" data-testid="drift-skipped">
              No behavior drift check: {state.driftSkipped}. Run the same probe set to compare.
            </p>
          )}
          {state.link && <ReportLinkBox link={state.link} />}
          <SaveToRegistry
            modelName={state.report.subject.name}
            report={state.report}
            link={state.link}
            {...(state.behavior ? { behaviorBaseline: baselineOf(state.behavior.run) } : {})}
          />
        </>
      )}
    </div>
  );
}
