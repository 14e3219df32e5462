'use client';
import { useEffect, useState } from 'react';
import { getOrCreateBrowserKey, type BrowserKey } from '@/lib/browser-key';

export type KeyState =
  { status: 'loading' } | { status: 'ready'; key: BrowserKey } | { status: 'error'; message: string };

/** This browser's report-signing key, created on first use. */
export function useSigningKey(): KeyState {
  const [state, setState] = useState<KeyState>({ status: 'loading' });
  useEffect(() => {
    let live = true;
    getOrCreateBrowserKey().then(
      (key) => live && setState({ status: 'ready', key }),
      (error: Error) => live && setState({ status: 'error', message: error.message }),
    );
    return () => {
      live = false;
    };
  }, []);
  return state;
}
