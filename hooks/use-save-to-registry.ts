'use client';
import { useCallback, useState } from 'react';
import type { Report } from '@/core/report/schema';
import type { BehaviorBaseline } from '@/core/registry/schema';
import { saveEntry } from '@/lib/registry';

/** The "Save to registry" form's action: one save per shown report, its outcome in plain words. */
export function useSaveToRegistry(report: Report, link: string | null, behaviorBaseline?: BehaviorBaseline) {
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const save = useCallback(
    async (name: string, version: string) => {
      setError(null);
      setBusy(true);
      try {
        const entry = await saveEntry({
          name,
          version,
          report,
          signedLink: link,
          ...(behaviorBaseline ? { behaviorBaseline } : {}),
        });
        setSaved(`Saved ${entry.name} ${entry.version} to this browser's registry.`);
      } catch (err) {
        setError((err as Error).message);
      } finally {
        setBusy(false);
      }
    },
    [report, link, behaviorBaseline],
  );

  return { saved, error, busy, save };
}
