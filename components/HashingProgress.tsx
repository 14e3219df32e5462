import type { HashingProgress as Progress } from '@/hooks/use-verification';
import { ProgressBar } from './ProgressBar';
import { SafeText } from './SafeText';
import { formatBytes, formatRate, plural } from './format';

/** Overall and per-file progress of a running verification, with Cancel. */
export function HashingProgress({ progress, onCancel }: { progress: Progress; onCancel: () => void }) {
  return (
    <section
      data-testid="hashing-progress"
      className="rounded-xl border border-slate-200 bg-white p-6"
      aria-live="polite"
    >
      <div className="flex items-center justify-between gap-4">
        <h2 className="min-w-0 text-lg font-semibold">
          Checking <SafeText text={progress.modelName} />
        </h2>
        <button type="button" data-testid="cancel" onClick={onCancel} className="btn-secondary">
          Cancel
        </button>
      </div>
      <p className="mt-2 text-sm text-slate-700" data-testid="overall-progress">
        Fingerprints: {progress.filesDone.toLocaleString('en')} of {plural(progress.filesTotal, 'file')} ·{' '}
        {formatBytes(progress.bytesDone)} of {formatBytes(progress.bytesTotal)}
        {/* No rate until one means something (bytes read for half a second at least). */}
        {progress.bytesPerSecond > 0 && ` · ${formatRate(progress.bytesPerSecond)}`} · {progress.timeLeft}
      </p>
      <p className="mt-1 text-sm text-slate-700" data-testid="scan-progress">
        Malware scan: {progress.filesScanned.toLocaleString('en')} of {plural(progress.filesTotal, 'file')}
      </p>
      <div className="mt-2">
        <ProgressBar value={progress.bytesDone} max={progress.bytesTotal} label="All files" />
      </div>
      <ul className="mt-4 space-y-2">
        {progress.active.map((f) => (
          <li key={f.path} className="text-sm">
            <div className="flex justify-between gap-4 text-slate-700">
              {/* Wrapped, never truncated: the end of a name is where a disguised extension hides. */}
              <SafeText text={f.path} className="min-w-0 font-mono" />
              <span className="shrink-0">
                {formatBytes(f.bytesDone)} / {formatBytes(f.size)}
              </span>
            </div>
            <ProgressBar value={f.bytesDone} max={f.size} label={f.path} />
          </li>
        ))}
      </ul>
    </section>
  );
}
