'use client';
import { useCallback, useEffect, useState } from 'react';
import { addTrustedSigner, listTrustedSigners, removeTrustedSigner, type TrustedSigner } from '@/lib/trusted-signers';

/** The trusted-signer list in IndexedDB, with add and remove that refresh it. */
export function useTrustedSigners() {
  const [signers, setSigners] = useState<TrustedSigner[] | null>(null);
  const refresh = useCallback(async () => setSigners(await listTrustedSigners()), []);
  useEffect(() => {
    let live = true;
    listTrustedSigners().then((list) => live && setSigners(list));
    return () => {
      live = false;
    };
  }, []);
  const add = useCallback(
    async (pem: string, label: string) => {
      await addTrustedSigner(pem, label);
      await refresh();
    },
    [refresh],
  );
  const remove = useCallback(
    async (fingerprint: string) => {
      await removeTrustedSigner(fingerprint);
      await refresh();
    },
    [refresh],
  );
  return { signers, add, remove };
}
