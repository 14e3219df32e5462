'use client';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Report } from '@/core/report/schema';
import type { Card } from '@/core/provenance/card';
import type { EntryComparison } from '@/core/registry/compare-entry';
import type { FolderEvent } from '@/core/io/folder-event';
import { GIT_SHA1_MAX_BYTES, runVerification } from '@/core/verify';
import { hashInPool, prewarmHashPool } from '@/lib/hash-pool';
import { scanInPool } from '@/lib/scan-pool';
import { listingEvents, nothingToVerifyMessage, toModelFiles, type ModelFile } from '@/lib/model-files';
import { meaningfulRate, secondsLeft, timeLeftText, type RunEnd } from '@/lib/run-progress';
import { formatDuration } from '@/components/format';
import type { DroppedEntry, EmptyFolderEntry } from '@/lib/collect-dropped-files';
import { getOrCreateBrowserKey } from '@/lib/browser-key';
import { makeReportLink } from '@/core/sign/report-link';
import { verifySignatureInWorker } from '@/lib/signature-worker';
import { NO_OPTIONS, type VerifyPageOptions } from '@/lib/verify-options';
import { latestByName } from '@/lib/registry';

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
  /** 0 while no rate can be measured yet (lib/run-progress.ts, meaningfulRate). */
  bytesPerSecond: number;
  /** Until hashing and the scan are both done: null while unknown, never 0 while the scan still runs. */
  etaSeconds: number | null;
  /** The time left in words: "about 12 s left", or "scanning, 1,200 of 3,000 files" once hashing is done. */
  timeLeft: string;
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
      /** Null when no rate is meaningful: nothing hashed, under half a second, or cancelled. */
      bytesPerSecond: number | null;
      /** How far the run got: what the closing line (lib/run-progress.ts, runSummary) says. */
      end: RunEnd;
    }
  | { phase: 'error'; message: string };

type Events = readonly FolderEvent[];

/** UI refresh rate while hashing: a few updates a second, never one per chunk. */
const TICK_MS = 250;

/** Owns one verification run: hash pool → Report → signed link, with live progress and cancel. */
export function useVerification() {
  const [state, setState] = useState<VerificationState>({ phase: 'idle' });
  const cancelRef = useRef<(() => void) | null>(null);

  useEffect(() => () => cancelRef.current?.(), []);
  // Start the hash workers while the page is idle, so a drop pays no start-up (script, wasm compile).
  useEffect(() => {
    const warm = () => void prewarmHashPool();
    if (typeof requestIdleCallback === 'function') {
      const id = requestIdleCallback(warm, { timeout: 2000 });
      return () => cancelIdleCallback(id);
    }
    const id = setTimeout(warm, 200);
    return () => clearTimeout(id);
  }, []);

  const verify = useCallback(
    async (
      name: string,
      files: ModelFile[],
      options: VerifyPageOptions,
      events: Events,
      emptyFolders: readonly EmptyFolderEntry[],
    ) => {
      if (files.length === 0) {
        setState({ phase: 'error', message: nothingToVerifyMessage(name, events, emptyFolders) });
        return;
      }
      const sizes = new Map(files.map((f) => [f.path, f.file.size]));
      const done = new Map<string, number>();
      const finished = new Set<string>();
      const bytesTotal = files.reduce((n, f) => n + f.file.size, 0);
      const started = performance.now();
      let filesScanned = 0;
      let cancelled = false;
      const counts = () => {
        let bytesHashed = 0;
        for (const n of done.values()) bytesHashed += n;
        return {
          filesTotal: files.length,
          filesHashed: finished.size,
          filesScanned,
          bytesTotal,
          bytesHashed,
          elapsed: (performance.now() - started) / 1000,
        };
      };
      const snapshot = (): HashingProgress => {
        const now = counts();
        const active = [...done.entries()]
          .filter(([p]) => !finished.has(p))
          .map(([path, bytes]) => ({ path, size: sizes.get(path) ?? 0, bytesDone: bytes }));
        return {
          modelName: name,
          filesTotal: files.length,
          filesDone: now.filesHashed,
          filesScanned,
          bytesTotal,
          bytesDone: now.bytesHashed,
          bytesPerSecond: meaningfulRate(now.bytesHashed, now.elapsed) ?? 0,
          etaSeconds: secondsLeft(now),
          timeLeft: timeLeftText(now, formatDuration),
          active,
        };
      };
      // The scan reads headers and pickles only, so it runs beside hashing in its own worker.
      let scanSeconds = 0;
      const cancellers: (() => void)[] = [];
      // Cancelling stops hashing and scanning; the report still comes, naming what was not checked.
      cancelRef.current = () => {
        cancelled = true;
        for (const cancel of cancellers) cancel();
      };
      const byPath = new Map(files.map((f) => [f.path, f.file]));
      setState({ phase: 'hashing', progress: snapshot() });
      const timer = setInterval(() => setState({ phase: 'hashing', progress: snapshot() }), TICK_MS);
      let seconds = 0;
      // What was hashed when hashing ended (or was cancelled), for the closing line.
      let hashed = counts();
      try {
        const verification = await runVerification({
          subject: { name, files: files.map((f) => ({ path: f.path, size: f.file.size })), events },
          environment: { runtime: 'browser', userAgent: navigator.userAgent },
          hash: async (gitSha1) => {
            const pool = hashInPool(
              files,
              (path, bytes) => {
                done.set(path, bytes);
                if (bytes === sizes.get(path)) finished.add(path);
              },
              gitSha1.size > 0 ? GIT_SHA1_MAX_BYTES : 0,
            );
            cancellers.push(pool.cancel);
            const outcomes = await pool.done;
            // Progress and results travel on different ports, so a file's last progress update can arrive after
            // its result (and is then dropped): the results, not the updates, say what was fingerprinted.
            for (const outcome of outcomes) {
              if (!('sha256' in outcome)) continue;
              done.set(outcome.path, outcome.size);
              finished.add(outcome.path);
            }
            seconds = (performance.now() - started) / 1000;
            hashed = counts();
            return outcomes;
          },
          scan: async () => {
            const scanning = scanInPool(files, () => (filesScanned += 1));
            cancellers.push(scanning.cancel);
            const scans = await scanning.done;
            scanSeconds = (performance.now() - started) / 1000;
            return scans;
          },
          readText: (path) => byPath.get(path)!.text(),
          // Only this JSON listing is fetched; the CSP of the ?hub=on page allows huggingface.co and nothing else.
          ...(options.hubRepo
            ? {
                hub: {
                  repo: options.hubRepo,
                  revision: options.hubRevision || 'main',
                  fetch: (url, init) => fetch(url, init),
                },
              }
            : {}),
          verifySignature: (outcomes) => verifySignatureInWorker(files, outcomes, options),
          // A saved version of the same name is the reference: its file changes are findings of this report.
          savedVersion: (model) => latestByName(model),
          signLink: async (report) => makeReportLink(report, await getOrCreateBrowserKey(), location.origin),
        });
        const end: RunEnd = { ...hashed, filesScanned, cancelled, hashSeconds: seconds, scanSeconds };
        setState({
          phase: 'done',
          modelName: name,
          report: verification.report,
          registry: verification.registry,
          ...(verification.card ? { card: verification.card } : {}),
          link: verification.link ?? null,
          linkError: verification.linkError,
          seconds,
          scanSeconds,
          bytesPerSecond: meaningfulRate(hashed.bytesHashed, seconds, cancelled),
          end,
        });
      } catch (error) {
        setState({ phase: 'error', message: (error as Error).message });
      } finally {
        clearInterval(timer);
        cancelRef.current = null;
      }
    },
    [],
  );

  const verifyEntries = useCallback(
    (entries: DroppedEntry[], options: VerifyPageOptions = NO_OPTIONS) => {
      const { name, files, refused, emptyFolders } = toModelFiles(entries);
      return verify(name, files, options, listingEvents(files, refused), emptyFolders);
    },
    [verify],
  );

  const cancel = useCallback(() => cancelRef.current?.(), []);
  const reset = useCallback(() => setState({ phase: 'idle' }), []);
  return { state, verifyEntries, cancel, reset };
}
