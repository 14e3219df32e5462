'use client';
import { useEffect } from 'react';

/**
 * Marks the document once React has hydrated it (`<html data-hydrated>`): until then, controls rendered on
 * the server do not respond, and a value typed into them is replaced by React's state. Tests wait for it.
 */
export function HydrationMarker() {
  useEffect(() => {
    document.documentElement.dataset.hydrated = 'true';
  }, []);
  return null;
}
