import type { Report } from './schema.ts';

/**
 * The browser a report was made in, as family and major version only ("Chrome 156"). That is enough to
 * reproduce a result; the full user-agent string (OS build, device model) is not a shared link's business.
 */
export function browserFamily(userAgent: string): string {
  // Already summarised (a saved report's link is made from it again): unchanged.
  if (/^(?:Edge|Opera|Firefox|Chrome|Safari) \d+$|^another browser$/.test(userAgent)) return userAgent;
  const patterns: [string, RegExp][] = [
    ['Edge', /\bEdg(?:e|A|iOS)?\/(\d+)/],
    ['Opera', /\bOPR\/(\d+)/],
    ['Firefox', /\b(?:Firefox|FxiOS)\/(\d+)/],
    ['Chrome', /\b(?:HeadlessChrome|Chrome|CriOS)\/(\d+)/],
    ['Safari', /\bVersion\/(\d+)[.\d]* (?:Mobile\/\S+ )?Safari\//],
  ];
  for (const [family, pattern] of patterns) {
    const major = pattern.exec(userAgent)?.[1];
    if (major) return `${family} ${major}`;
  }
  return 'another browser';
}

/** The environment as a report records it: the browser by family and major version only. */
export function reportEnvironment(environment: Report['environment']): Report['environment'] {
  const { userAgent, ...rest } = environment;
  return userAgent === undefined ? rest : { ...rest, userAgent: browserFamily(userAgent) };
}
