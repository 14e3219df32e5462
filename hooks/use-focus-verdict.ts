'use client';
import { useEffect } from 'react';

/** The id of the verdict card (components/VerdictCard.tsx), a focus target with tabIndex -1. */
export const VERDICT_ID = 'verdict';

/**
 * When a run produces a result, scrolls the verdict card into view and moves focus to it, so that a keyboard
 * or screen-reader user who started the run (focus on "Try the demo", which then disappears) lands on the
 * answer instead of the top of the page. Keyed on the result object: it happens once per run, not per render.
 */
export function useFocusVerdict(result: object | null): void {
  useEffect(() => {
    if (!result) return;
    const card = document.getElementById(VERDICT_ID);
    if (!card) return;
    const reduced = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches;
    card.scrollIntoView({ behavior: reduced ? 'auto' : 'smooth', block: 'start' });
    card.focus({ preventScroll: true });
  }, [result]);
}
