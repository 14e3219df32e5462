'use client';
import { useEffect, useState } from 'react';
import { loadSiteSigners, type SiteSigners } from '@/lib/site-signers';

/** The keys this site's deployer pinned (public/trusted-signers.json); null while loading. */
export function useSiteSigners(): SiteSigners | null {
  const [site, setSite] = useState<SiteSigners | null>(null);
  useEffect(() => {
    let live = true;
    loadSiteSigners().then((list) => live && setSite(list));
    return () => {
      live = false;
    };
  }, []);
  return site;
}
