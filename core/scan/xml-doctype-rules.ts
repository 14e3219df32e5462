import type { ScanFinding } from './types.ts';
import { xmlFinding } from './xml-framework-codes.ts';

/**
 * What a DOCTYPE makes a loader do (XML 1.0 §2.8, §4.2): an external ID (SYSTEM/PUBLIC) on the DOCTYPE or
 * on an entity names a file or URL that a resolving loader reads (XXE); entities whose values reference
 * other entities, and parameter entities, are the expansion bombs ("billion laughs"). `saxes` hands the
 * DOCTYPE over unparsed, so it is read here as tokens: quoted literals and comments are skipped so a
 * keyword inside a string does not count, and a keyword outside one always does.
 */

interface DoctypeFacts {
  /** The quoted system identifiers after SYSTEM/PUBLIC keywords (files and URLs a loader would read). */
  externalTargets: string[];
  /** How many SYSTEM/PUBLIC keywords appear outside literals. */
  externalKeywords: number;
  entities: { name: string; parameter: boolean; value?: string }[];
}

const MAX_LISTED = 20;

/** A DOCTYPE longer than this is read up to here; the rest still makes the file at least suspicious. */
const MAX_DOCTYPE_CHARS = 1 << 20;

export function doctypeFindings(doctype: string): ScanFinding[] {
  const facts = readDoctype(doctype.slice(0, MAX_DOCTYPE_CHARS));
  const findings: ScanFinding[] = [];
  if (facts.externalKeywords > 0) {
    const targets = facts.externalTargets.slice(0, MAX_LISTED);
    findings.push(
      xmlFinding(
        'xmlExternalReference',
        `the DOCTYPE names external resources a resolving loader would read: ${targets.join(', ') || '(unquoted)'}`,
        { evidence: { targets } },
      ),
    );
  }
  const bombs = facts.entities.filter((e) => e.parameter || /[&%][A-Za-z_:][\w.:-]*;/.test(e.value ?? ''));
  if (bombs.length > 0) {
    const names = bombs.slice(0, MAX_LISTED).map((e) => (e.parameter ? `%${e.name}` : e.name));
    findings.push(
      xmlFinding('xmlEntityExpansion', `entities that expand into other entities: ${names.join(', ')}`, {
        evidence: { entities: names, declared: facts.entities.length },
      }),
    );
  }
  if (findings.length === 0) {
    const declared = facts.entities.map((e) => e.name).slice(0, MAX_LISTED);
    const detail = declared.length > 0 ? `declares entities ${declared.join(', ')}` : `<!DOCTYPE${doctype}>`;
    findings.push(xmlFinding('xmlDoctype', detail.slice(0, 300), { evidence: { entities: declared } }));
  }
  return findings;
}

/** Splits the DOCTYPE into words and literals, skipping comments, and collects what matters. */
export function readDoctype(doctype: string): DoctypeFacts {
  const facts: DoctypeFacts = { externalTargets: [], externalKeywords: 0, entities: [] };
  const tokens = tokenize(doctype);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'word' && (t.text === 'SYSTEM' || t.text === 'PUBLIC')) {
      facts.externalKeywords++;
      const literals = tokens.slice(i + 1, i + (t.text === 'PUBLIC' ? 3 : 2)).filter((x) => x.kind === 'literal');
      const system = literals.at(-1);
      if (system) facts.externalTargets.push(system.text);
    }
    if (t.kind === 'word' && t.text === '<!ENTITY') facts.entities.push(entityAt(tokens, i + 1));
  }
  return facts;
}

function entityAt(tokens: Token[], i: number): DoctypeFacts['entities'][number] {
  const parameter = tokens[i]?.kind === 'word' && tokens[i]?.text === '%';
  const name = tokens[parameter ? i + 1 : i]?.text ?? '';
  const next = tokens[parameter ? i + 2 : i + 1];
  return { name, parameter, ...(next?.kind === 'literal' ? { value: next.text } : {}) };
}

interface Token {
  kind: 'word' | 'literal';
  text: string;
}

function tokenize(s: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (s.startsWith('<!--', i)) {
      const end = s.indexOf('-->', i + 4);
      i = end < 0 ? s.length : end + 3;
    } else if (c === '"' || c === "'") {
      const end = s.indexOf(c, i + 1);
      tokens.push({ kind: 'literal', text: s.slice(i + 1, end < 0 ? s.length : end) });
      i = end < 0 ? s.length : end + 1;
    } else if (/[\s[\]>]/.test(c)) {
      i++;
    } else {
      const m = /^(<!?[A-Za-z]*|%|[^\s"'[\]>%<]+)/.exec(s.slice(i, i + 256));
      const word = m?.[1] ?? c;
      tokens.push({ kind: 'word', text: word });
      i += word.length;
    }
  }
  return tokens;
}
