'use client';
import { useCallback, useEffect, useRef, useState } from 'react';
import { buildReport } from '@/core/report/build-report';
import type { Report } from '@/core/report/schema';
import { hashInPool } from '@/lib/hash-pool';
import { scanInPool } from '@/lib/scan-pool';
import { listingEvents, toModelFiles, type ModelFile } from '@/lib/model-files';
import type { DroppedEntry } from '@/lib/collect-dropped-files';
import { withFolderEvents, type FolderEvent } from '@/core/scan/folder-findings';
import { getOrCreateBrowserKey } from '@/lib/browser-key';
import { makeReportLink } from '@/lib/report-link';
import { checkManifest, GIT_SHA1_MAX_BYTES } from '@/lib/manifest-check';
import { checkSignature } from '@/lib/signature-check';
import { NO_OPTIONS, type VerifyOptions } from '@/lib/verify-options';
import { latestByName } from '@/lib/registry';
import { compareWithEntry, type EntryComparison } from '@/core/registry/compare-entry';
import { withProvenance, type Card } from '@/core/provenance';
import { checkDroppedProvenance } from '@/lib/provenance-check';

export interface ActiveFile {
  path: string;
  size: number;
  bytesDone: number;
}

export interface HashingProgress {
  modelName: string;
  filesTotal: number;
  filesDone: number;
  filesScanned: number;
  bytesTotal: number;
  bytesDone: number;
  bytesPerSecond: number;
  etaSeconds: number | null;
  active: ActiveFile[];
}

export type VerificationState =
  | { phase: 'idle' }
  | { phase: 'hashing'; progress: HashingProgress }
  | {
      phase: 'done';
      /** The model's name (its folder), the registry's key for "the same model". */
      modelName: string;
      report: Report;
      /** The comparison with the latest version of this name saved in the registry, when there is one. */
      registry?: EntryComparison;
      /** The parsed model card, for the CycloneDX ML-BOM's considerations; absent without a card. */
      card?: Card;
      link: string | null;
      linkError?: string;
      /** Wall time of hashing, and of scanning (which runs beside it). */
      seconds: number;
      scanSeconds: number;
      bytesPerSecond: number;
    }
  | { phase: 'error'; message: string };

type Events = readonly FolderEvent[];

/** Nothing to verify: says which entries the browser could not read, if that is why. */
function noFilesMessage(events: Events): string {
  const unreadable = events.flatMap((e) => (e.kind === 'unreadable' ? [`${e.path} (${e.error})`] : []));
  if (unreadable.length === 0) return 'No files were given. Drop a model folder or pick its files.';
  return `Nothing could be read: ${unreadable.join('; ')}. Nothing was verified.`;
}

/** UI refresh rate while hashing: a few updates a second, never one per chunk (STYLE.md). */
const TICK_MS = 250;

/** Owns one verification run: hash pool → Report → signed link, with live progress and cancel. */
export function useVerification() {
  const [state, setState] = useState<VerificationState>({ phase: 'idle' });
  const cancelRef = useRef<(() => void) | null>(null);

  useEffect(() => () => cancelRef.current?.(), []);

  const verify = useCallback(async (name: string, files: ModelFile[], options: VerifyOptions, events: Events) => {
    if (files.length === 0) {
      setState({ phase: 'error', message: noFilesMessage(events) });
      return;
    }
    const sizes = new Map(files.map((f) => [f.path, f.file.size]));
    const done = new Map<string, number>();
    const finished = new Set<string>();
    const bytesTotal = files.reduce((n, f) => n + f.file.size, 0);
    const started = performance.now();
    let filesScanned = 0;
    const snapshot = (): HashingProgress => {
      let bytesDone = 0;
      for (const n of done.values()) bytesDone += n;
      const seconds = (performance.now() - started) / 1000;
      const rate = seconds > 0 ? bytesDone / seconds : 0;
      const active = [...done.entries()]
        .filter(([p]) => !finished.has(p))
        .map(([path, bytes]) => ({ path, size: sizes.get(path) ?? 0, bytesDone: bytes }));
      return {
        modelName: name,
        filesTotal: files.length,
        filesDone: finished.size,
        filesScanned,
        bytesTotal,
        bytesDone,
        bytesPerSecond: rate,
        etaSeconds: rate > 0 ? (bytesTotal - bytesDone) / rate : null,
        active,
      };
    };
    const pool = hashInPool(
      files,
      (path, bytes) => {
        done.set(path, bytes);
        if (bytes === sizes.get(path)) finished.add(path);
      },
      options.hubRepo ? GIT_SHA1_MAX_BYTES : 0,
    );
    // The scan reads headers and pickles only, so it runs beside hashing in its own worker.
    let scanSeconds = 0;
    const scanning = scanInPool(files, () => (filesScanned += 1));
    void scanning.done.then(() => (scanSeconds = (performance.now() - started) / 1000));
    cancelRef.current = () => {
      pool.cancel();
      scanning.cancel();
    };
    setState({ phase: 'hashing', progress: snapshot() });
    const timer = setInterval(() => setState({ phase: 'hashing', progress: snapshot() }), TICK_MS);
    try {
      const hashed = await pool.done;
      const seconds = (performance.now() - started) / 1000;
      // Entries the browser could not hand over, and empty ones, are named in the report (never dropped).
      const folder = withFolderEvents(hashed, await scanning.done, events);
      const outcomes = folder.outcomes;
      const scans = folder.scans;
      const manifest = await checkManifest(files, outcomes, options);
      const signature = await checkSignature(files, outcomes, options);
      // The same model card, datasheet, config and tokenizer files as `modelgate verify` reads.
      const provenance = await checkDroppedProvenance(files);
      const input = {
        name,
        outcomes,
        scans,
        manifest,
        extraChecks: [...(signature ? [signature.check] : []), ...(provenance ? [provenance.check] : [])],
        extraFindings: [...folder.findings, ...(signature?.findings ?? []), ...(provenance?.findings ?? [])],
        environment: { runtime: 'browser' as const, userAgent: navigator.userAgent },
      };
      const build = async (extra: Parameters<typeof buildReport>[0]['extraFindings'] = []) => {
        const built = await buildReport({ ...input, extraFindings: [...input.extraFindings, ...extra] });
        return provenance ? withProvenance(built, provenance.provenance) : built;
      };
      let report = await build();
      // A saved version of the same name is the reference: its file changes are findings of
      // this report, so they count in the verdict and travel in the signed link.
      const saved = await latestByName(name).catch(() => undefined);
      const registry = saved ? compareWithEntry(saved, report) : undefined;
      if (registry) {
        report = await build(registry.findings);
      }
      let link: string | null = null;
      let linkError: string | undefined;
      try {
        link = await makeReportLink(report, await getOrCreateBrowserKey(), location.origin);
      } catch (error) {
        linkError = `The report could not be signed: ${(error as Error).message}`;
      }
      setState({
        phase: 'done',
        modelName: name,
        report,
        registry,
        ...(provenance?.card ? { card: provenance.card } : {}),
        link,
        linkError,
        seconds,
        scanSeconds,
        bytesPerSecond: seconds > 0 ? bytesTotal / seconds : 0,
      });
    } catch (error) {
      setState({ phase: 'error', message: (error as Error).message });
    } finally {
      clearInterval(timer);
      cancelRef.current = null;
    }
  }, []);

  const verifyEntries = useCallback(
    (entries: DroppedEntry[], options: VerifyOptions = NO_OPTIONS) => {
      const { name, files, refused } = toModelFiles(entries);
      return verify(name, files, options, listingEvents(files, refused));
    },
    [verify],
  );

  const cancel = useCallback(() => cancelRef.current?.(), []);
  const reset = useCallback(() => setState({ phase: 'idle' }), []);
  return { state, verifyEntries, cancel, reset };
}
