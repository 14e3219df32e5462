'use client';
import { Fragment } from 'react';
import type { Report } from '@/core/report/schema';
import type { Card, DatasetField, Provenance } from '@/core/provenance';
import { downloadBom } from '@/lib/download-bom';
import { SafeText } from './SafeText';

const FIELD_LABEL: Record<DatasetField, string> = {
  source: 'source',
  collection: 'how it was collected',
  preprocessing: 'preprocessing',
  freezeDate: 'freeze date',
  pii: 'personal data statement',
  bias: 'bias',
  intendedUse: 'intended use',
};

// A complete card is not green: only the verdict card is, so no section reads as "safe" on its own.
const STATUS_STYLE: Record<Provenance['status'], string> = {
  pass: 'border-slate-400 bg-white',
  review: 'border-amber-500 bg-amber-50',
  fail: 'border-red-600 bg-red-50',
};

const RELATION: Record<string, string> = {
  finetune: 'fine-tune',
  adapter: 'adapter',
  merge: 'merge',
  quantized: 'quantized',
};

/**
 * What the model card claims and how complete its documentation is: declared base, relation,
 * license, datasets with what each card lacks, completeness. `bom` offers the CycloneDX ML-BOM download
 * where the full report is at hand (the Verify page), not in the link viewer.
 */
export function ProvenanceView({ provenance, bom }: { provenance: Provenance; bom?: { report: Report; card?: Card } }) {
  const { completeness } = provenance;
  // Everything below that comes from the model card is untrusted text: shown through SafeText.
  const base = provenance.fromScratch ? (
    'none: pretrained from scratch'
  ) : provenance.baseModels.length > 0 ? (
    <SafeText text={provenance.baseModels.join(', ')} />
  ) : (
    'not declared'
  );
  const license = provenance.license ? (
    <SafeText text={[provenance.license.id, provenance.license.name].filter(Boolean).join(' — ')} />
  ) : (
    'not declared'
  );
  return (
    <section aria-labelledby="provenance-heading" data-testid="provenance" data-status={provenance.status}>
      <h2 id="provenance-heading" className="mb-2 text-lg font-semibold">
        Provenance: what the model card declares
      </h2>
      <div className={`space-y-3 rounded-xl border-2 p-4 ${STATUS_STYLE[provenance.status]}`}>
        {/* One column on a phone: a long label beside a long value would not fit 390 px. */}
        <dl className="grid grid-cols-1 gap-x-4 gap-y-1 text-sm sm:grid-cols-[max-content_minmax(0,1fr)]">
          <dt className="font-medium">Model card</dt>
          <dd data-testid="provenance-card">{provenance.card ? <SafeText text={provenance.card} /> : 'none found'}</dd>
          <dt className="font-medium">Declared base</dt>
          <dd data-testid="provenance-base">{base}</dd>
          <dt className="font-medium">Relation to the base</dt>
          <dd data-testid="provenance-relation">
            {provenance.relation
              ? (RELATION[provenance.relation] ?? <SafeText text={provenance.relation} />)
              : 'not declared'}
          </dd>
          <dt className="font-medium">License</dt>
          <dd data-testid="provenance-license">
            {license}
            {provenance.license?.link && (
              <>
                {' ('}
                <SafeText text={provenance.license.link} />)
              </>
            )}
          </dd>
          {provenance.base && (
            <>
              <dt className="font-medium">Checked against the base&apos;s files</dt>
              <dd data-testid="provenance-base-files">
                config.json {provenance.base.config}, tokenizer.json {provenance.base.tokenizer}
              </dd>
            </>
          )}
          <dt className="font-medium">Documentation completeness</dt>
          <dd data-testid="provenance-completeness" data-score={completeness.score}>
            <meter
              min={0}
              max={100}
              low={40}
              high={70}
              optimum={100}
              value={completeness.score}
              aria-label="Documentation completeness"
              className="mr-2 align-middle"
            />
            {completeness.score}/100 ({completeness.profile})
          </dd>
        </dl>
        <div>
          <h3 className="text-base font-semibold">Training data</h3>
          {provenance.datasets.length === 0 ? (
            <p className="text-sm">The card names no dataset.</p>
          ) : (
            <ul className="mt-1 space-y-1 text-sm" data-testid="provenance-datasets">
              {provenance.datasets.map((d) => (
                <li key={`${d.id}@${d.revision ?? ''}`} data-testid="provenance-dataset" data-dataset={d.id}>
                  <SafeText text={d.id} className="font-medium" />
                  {d.revision ? (
                    <>
                      {' at revision '}
                      <SafeText text={d.revision} />
                    </>
                  ) : d.sha256 ? (
                    ' (pinned by SHA-256)'
                  ) : (
                    ' (no pinned revision)'
                  )}
                  {': '}
                  {d.card ? (
                    <>
                      <SafeText text={d.card.file} />
                      {d.card.missing.length === 0
                        ? ' documents every field.'
                        : ` lacks ${d.card.missing.map((f) => FIELD_LABEL[f]).join(', ')}.`}
                    </>
                  ) : (
                    'no dataset card or datasheet was given.'
                  )}
                </li>
              ))}
            </ul>
          )}
          {provenance.otherCards && provenance.otherCards.length > 0 && (
            <ul className="mt-1 space-y-1 text-sm">
              {provenance.otherCards.map((c) => (
                <li key={c.file} data-testid="provenance-other-card">
                  <SafeText text={c.file} className="font-medium" /> (no declared dataset matches it)
                  {c.missing.length > 0 ? `: lacks ${c.missing.map((f) => FIELD_LABEL[f]).join(', ')}.` : '.'}
                </li>
              ))}
            </ul>
          )}
        </div>
        {completeness.missing.length > 0 && (
          <div>
            <h3 className="text-base font-semibold">Missing from the documentation</h3>
            {/* Items quote the card's own names (dataset ids): each one through SafeText. */}
            <p className="text-sm" data-testid="provenance-missing">
              {completeness.missing.map((item, i) => (
                <Fragment key={i}>
                  {i > 0 && '; '}
                  <SafeText text={item} />
                </Fragment>
              ))}
            </p>
          </div>
        )}
        {bom && (
          <button
            type="button"
            className="btn-secondary"
            data-testid="download-cyclonedx"
            onClick={() => downloadBom(bom.report, provenance, bom.card)}
          >
            Download CycloneDX ML-BOM
          </button>
        )}
      </div>
    </section>
  );
}
