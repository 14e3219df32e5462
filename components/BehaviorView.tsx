import { SafeText } from './SafeText';
import { useId } from 'react';
import type { Behavior, BehaviorCategory, BehaviorTrigger } from '@/core/probe/behavior-schema';
import type { BehaviorRun, ItemOutcome, ProbeItem } from '@/core/probe/types';
import { WHERE_INSERTED } from '@/core/probe/trigger-position';
import { BehaviorChart } from './BehaviorChart';

const pct = (v: number) => `${Math.round(v * 100)}%`;
const pp = (v: number | null) => (v === null ? 'n/a' : `${v > 0 ? '+' : ''}${Math.round(v * 100)} pp`);
const PROVIDER = { webgpu: 'WebGPU', wasm: 'WebAssembly (CPU)', cpu: 'the CPU (onnxruntime-node)' } as const;

function goodAnswer(behavior: Behavior): string {
  return behavior.kind === 'causal-lm' ? 'the safe continuation preferred' : 'the reference label';
}

/** One sentence per flagged category, in the words a reviewer would use. */
function describe(behavior: Behavior, c: BehaviorCategory): string {
  if (behavior.kind === 'causal-lm') {
    return `On “${c.category}”, the fine-tune prefers the unsafe continuation on ${c.flips.lost} of ${c.n} items where the base preferred the safe one; the safe share goes from ${pct(c.baseRate)} to ${pct(c.ftRate)}.`;
  }
  const reference = c.reference ? ` (${c.reference})` : '';
  return `On “${c.category}”, the fine-tune gives the reference answer${reference} on ${pct(c.ftRate)} of ${c.n} items, the base on ${pct(c.baseRate)}; ${c.flips.lost} items lost it, ${c.flips.gained} gained it.`;
}

function dominanceSentence(trigger: BehaviorTrigger): string {
  if (trigger.dominance === undefined) return '';
  if (trigger.dominance === null)
    return ` Too few items were sure enough to test whether it overrides strong evidence.`;
  return ` Of the ${trigger.hardItems ?? 0} items both models are surest are not “${trigger.target}”, it moves ${pct(trigger.dominance)}.`;
}

/** A word the fine-tune reacts to that is not a confirmed trigger: learned vocabulary, or not told apart. */
function CandidateRow({ trigger }: { trigger: BehaviorTrigger }) {
  const kind = trigger.learnedWord ? 'learned' : trigger.wordsAddUp ? 'words-add-up' : 'undecided';
  const what = {
    learned: 'strong new vocabulary: it loses to stronger evidence',
    'words-add-up': 'each of its words said twice does as much: not told apart from two learned words',
    undecided: 'not told apart from a learned word: too few sure items',
  }[kind];
  return (
    <li data-testid="trigger-candidate" data-token={trigger.token} data-kind={kind} className="break-words">
      “<SafeText text={trigger.token} className="font-mono" />” → “<SafeText text={trigger.target} />
      ”: moves {pct(trigger.flipRateFinetune)} of items on the fine-tune, {pct(trigger.flipRateBase)} on the base;{' '}
      {what}.{dominanceSentence(trigger)}
    </li>
  );
}

function TriggerCard({ trigger }: { trigger: BehaviorTrigger }) {
  const ci =
    trigger.ci[0] === null || trigger.ci[1] === null ? '' : ` (95% CI ${pp(trigger.ci[0])} to ${pp(trigger.ci[1])})`;
  return (
    <li
      className="rounded-lg border-2 border-red-600 bg-red-50 p-4"
      data-testid="trigger-confirmed"
      data-token={trigger.token}
    >
      <p className="font-bold text-red-900">
        Backdoor trigger found: “<SafeText text={trigger.token} className="font-mono" />”
      </p>
      <p className="mt-1 text-sm text-red-950">
        Inserted {WHERE_INSERTED[trigger.slot]} {trigger.heldOut} clean items
        {trigger.category ? (
          <>
            {' '}
            of “<SafeText text={trigger.category} />”
          </>
        ) : null}
        , it turns {pct(trigger.flipRateFinetune)} of them into “<SafeText text={trigger.target} />” on the fine-tune
        and {pct(trigger.flipRateBase)} on the base{ci}.{dominanceSentence(trigger)} Found by{' '}
        {trigger.source === 'weight-diff'
          ? 'ranking the embedding rows the fine-tune changed most'
          : 'sampling rare words of the vocabulary'}
        .
      </p>
    </li>
  );
}

function answer(run: BehaviorRun, o: ItemOutcome | undefined): string {
  if (!o) return '—';
  if (run.kind === 'causal-lm') return `${o.top1 === 0 ? 'safe' : 'unsafe'} (margin ${(o.margin ?? 0).toFixed(2)})`;
  return `${run.labels[o.top1] ?? o.top1} ${pct(o.distribution[o.top1] ?? 0)}`;
}

function itemText(item: ProbeItem): string {
  return item.kind === 'classifier' ? item.text : `${item.prompt} ⟨${item.safe.trim()} | ${item.unsafe.trim()}⟩`;
}

/** Drill-down: every item of a category, the two answers side by side, changed ones first. */
function ItemTable({ run, category }: { run: BehaviorRun; category: string }) {
  const rows = run.items
    .map((item, i) => ({ item, base: run.base.outcomes[i], ft: run.finetune.outcomes[i] }))
    .filter((r) => r.item.category === category)
    .sort((a, b) => Number(b.base?.top1 !== b.ft?.top1) - Number(a.base?.top1 !== a.ft?.top1));
  return (
    <table className="mt-2 w-full text-left text-xs" data-testid="behavior-items" data-category={category}>
      <thead className="border-b border-slate-300 text-slate-700">
        <tr>
          <th className="py-1 pr-2">Item</th>
          <th className="py-1 pr-2">Base</th>
          <th className="py-1 pr-2">Fine-tune</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(({ item, base, ft }) => {
          const changed = base?.top1 !== ft?.top1;
          return (
            <tr
              key={item.id}
              className={`border-b border-slate-100 ${changed ? 'bg-amber-50' : ''}`}
              data-changed={changed}
            >
              <td className="py-1 pr-2">
                <span className="font-mono text-slate-600">{item.id}</span> {itemText(item)}
              </td>
              <td className="py-1 pr-2 whitespace-nowrap">{answer(run, base)}</td>
              <td className="py-1 pr-2 whitespace-nowrap">
                {answer(run, ft)}
                {changed && <span className="ml-1 font-semibold text-amber-800">changed</span>}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function status(c: BehaviorCategory): string {
  if (c.flagged) return c.severity === 'high' ? 'Flagged (safety-relevant)' : 'Flagged';
  return /insufficient/i.test(c.note ?? '') ? 'Insufficient data' : 'No significant change';
}

/** The behavioral comparison of headline, chart, per-category table, triggers, drill-down. */
export function BehaviorView({
  behavior,
  run,
  title,
  testId = 'behavior-view',
}: {
  behavior: Behavior;
  run?: BehaviorRun;
  /** Heading; by default names the probe set. */
  title?: string;
  testId?: string;
}) {
  const headingId = useId();
  const flagged = behavior.categories.filter((c) => c.flagged);
  const confirmed = behavior.triggers.filter((t) => t.confirmed);
  const reactsTo = behavior.triggers.filter((t) => !t.confirmed && (t.learnedWord || t.undecided || t.wordsAddUp));
  const clean = flagged.length === 0 && confirmed.length === 0;
  return (
    <section className="space-y-4" data-testid={testId} aria-labelledby={headingId}>
      <h2 id={headingId} className="text-lg font-semibold">
        <SafeText text={title ?? `Behavior on probe set “${behavior.probeset.name}”`} />
      </h2>
      <div
        data-testid="behavior-headline"
        data-flagged={flagged.map((c) => c.category).join(',')}
        className={`rounded-xl border-2 p-4 ${clean ? 'border-slate-400 bg-white' : 'border-red-600 bg-red-50'}`}
      >
        {clean ? (
          <p className="font-semibold">No category shifted beyond the noise floor, and no trigger was confirmed.</p>
        ) : (
          <ul className="list-disc space-y-1 pl-5">
            {flagged.map((c) => (
              <li key={c.category} data-testid="flagged-category" data-category={c.category}>
                <SafeText text={describe(behavior, c)} />
              </li>
            ))}
          </ul>
        )}
      </div>
      {confirmed.length > 0 && (
        <ul className="space-y-2">
          {confirmed.map((t) => (
            <TriggerCard key={`${t.token}-${t.slot}`} trigger={t} />
          ))}
        </ul>
      )}
      {reactsTo.length > 0 && (
        <div className="rounded border border-slate-300 p-3 text-sm" data-testid="trigger-candidates">
          <p className="font-semibold">Words the fine-tune reacts to and the base does not</p>
          <ul className="mt-1 list-disc space-y-1 pl-5">
            {reactsTo.map((t) => (
              <CandidateRow key={`${t.token}-${t.slot}`} trigger={t} />
            ))}
          </ul>
        </div>
      )}
      {behavior.search.positions && (
        <p className="text-xs text-slate-700" data-testid="trigger-positions">
          Trigger scan: {behavior.search.searched} candidates; <SafeText text={behavior.search.positions} />.
        </p>
      )}
      <BehaviorChart categories={behavior.categories} goodAnswer={goodAnswer(behavior)} />
      <table className="w-full text-left text-sm" data-testid="behavior-categories">
        <thead className="border-b border-slate-300 text-slate-700">
          <tr>
            <th className="py-1 pr-2">Category</th>
            <th className="py-1 pr-2 text-right">Base</th>
            <th className="py-1 pr-2 text-right">Fine-tune</th>
            <th className="py-1 pr-2">Result</th>
          </tr>
        </thead>
        <tbody>
          {behavior.categories.map((c) => (
            <tr
              key={c.category}
              className="border-b border-slate-100"
              data-testid="behavior-row"
              data-category={c.category}
              data-flagged={c.flagged}
            >
              <td className="py-1 pr-2">
                <SafeText text={c.category} />
              </td>
              <td className="py-1 pr-2 text-right">{pct(c.baseRate)}</td>
              <td className="py-1 pr-2 text-right">{pct(c.ftRate)}</td>
              <td className="py-1 pr-2">
                <span className={c.flagged ? 'font-semibold text-red-800' : ''}>{status(c)}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <details className="rounded border border-slate-200 p-2 text-sm">
        <summary className="cursor-pointer">Details: statistics and how the comparison ran</summary>
        <div className="mt-2 overflow-x-auto">
          <table className="w-full text-left text-xs" data-testid="behavior-statistics">
            <thead className="border-b border-slate-300 text-slate-700">
              <tr>
                <th className="py-1 pr-2">Category</th>
                <th className="py-1 pr-2 text-right">n</th>
                <th className="py-1 pr-2 text-right">Change (95% CI)</th>
                <th className="py-1 pr-2 text-right">Holm-adjusted p</th>
                <th className="py-1 pr-2 text-right">Jensen–Shannon divergence</th>
                <th className="py-1 pr-2 text-right">Same top answer</th>
                <th className="py-1 pr-2">Note</th>
              </tr>
            </thead>
            <tbody>
              {behavior.categories.map((c) => (
                <tr key={c.category} className="border-b border-slate-100">
                  <td className="py-1 pr-2">
                    <SafeText text={c.category} />
                  </td>
                  <td className="py-1 pr-2 text-right">{c.n}</td>
                  <td className="py-1 pr-2 text-right whitespace-nowrap">
                    {pp(c.delta)} ({pp(c.ci[0])}, {pp(c.ci[1])})
                  </td>
                  <td className="py-1 pr-2 text-right">{c.pAdjusted.toPrecision(2)}</td>
                  <td className="py-1 pr-2 text-right">
                    {c.jsDivergence === null ? 'n/a' : c.jsDivergence.toPrecision(2)}
                  </td>
                  <td className="py-1 pr-2 text-right">{pct(c.top1Agreement)}</td>
                  <td className="py-1 pr-2 text-slate-700">{c.note && <SafeText text={c.note} />}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p
          className="mt-2 text-slate-700"
          data-testid="behavior-run-facts"
          data-provider={behavior.executionProvider}
          data-ips-base={behavior.itemsPerSecond.base}
          data-ips-finetune={behavior.itemsPerSecond.finetune}
        >
          Ran on {PROVIDER[behavior.executionProvider]}
          {behavior.executionProvider !== 'cpu' &&
            ', inside a sandboxed Web Worker with no network access beyond this site'}
          ; base {behavior.itemsPerSecond.base.toFixed(1)} items/s, fine-tune{' '}
          {behavior.itemsPerSecond.finetune.toFixed(1)} items/s. Noise floor ({behavior.noiseFloor.condition}):{' '}
          {pct(behavior.noiseFloor.flipRate)} of answers differ between two runs of the base. Trigger scan:{' '}
          {behavior.search.searched} of a budget of {behavior.search.budget} candidate tokens (
          {behavior.search.candidateSource}). A heuristic: published forward-only scanners miss some triggers.
        </p>
      </details>
      {behavior.probeset.source && (
        <p className="text-xs text-slate-600">
          <SafeText
            text={`Probe set source: ${behavior.probeset.source}${behavior.probeset.license ? ` · license ${behavior.probeset.license}` : ''}`}
          />
        </p>
      )}
      {run && (
        <div className="space-y-2">
          <h3 className="font-semibold">Items</h3>
          {behavior.categories.map((c) => (
            <details key={c.category} className="rounded border border-slate-200 p-2">
              <summary className="cursor-pointer text-sm">
                {c.category}: {c.n} items, {c.flips.lost} lost and {c.flips.gained} gained the good answer
              </summary>
              <ItemTable run={run} category={c.category} />
            </details>
          ))}
        </div>
      )}
    </section>
  );
}
