'use client';
import type { MouseEvent } from 'react';

/**
 * "Skip to main content", the first focusable element of every page. It moves focus itself instead of
 * following `#main`: the report viewer keeps the report in the URL fragment, which a jump would replace.
 */
export function SkipLink({ target }: { target: string }) {
  const skip = (event: MouseEvent<HTMLAnchorElement>) => {
    const main = document.getElementById(target);
    if (!main) return;
    event.preventDefault();
    main.focus();
    main.scrollIntoView();
  };
  return (
    <a href={`#${target}`} className="skip-link" data-testid="skip-link" onClick={skip}>
      Skip to main content
    </a>
  );
}
