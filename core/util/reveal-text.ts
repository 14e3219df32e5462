/**
 * Untrusted names (file paths, model names, report fields) shown as they really are. Bidirectional
 * overrides reorder what a reader sees ("gnp.exe" displayed as "exe.png"), zero-width and other format
 * characters hide inside names, control characters repaint terminals, non-ASCII spaces and spaces at the
 * ends of a name vanish on screen. Each of these becomes a visible, labelled piece; the rest stays text.
 */
export type TextPiece =
  { kind: 'text'; text: string } | { kind: 'hidden'; codePoint: number; label: string; escaped: string };

export interface RevealedText {
  pieces: TextPiece[];
  /** True when any character was made visible: the name is not what it looks like. */
  marked: boolean;
  /** Letter scripts that look alike and are mixed in one name (e.g. Latin and Cyrillic), else empty. */
  mixedScripts: string[];
}

const NAMES: Record<number, string> = {
  0x09: 'TAB',
  0x0a: 'LINE FEED',
  0x0d: 'CARRIAGE RETURN',
  0x1b: 'ESCAPE',
  0x20: 'SPACE',
  0xa0: 'NO-BREAK SPACE',
  0xad: 'SOFT HYPHEN',
  0x061c: 'ARABIC LETTER MARK',
  0x200b: 'ZERO WIDTH SPACE',
  0x200c: 'ZERO WIDTH NON-JOINER',
  0x200d: 'ZERO WIDTH JOINER',
  0x200e: 'LEFT-TO-RIGHT MARK',
  0x200f: 'RIGHT-TO-LEFT MARK',
  0x202a: 'LEFT-TO-RIGHT EMBEDDING',
  0x202b: 'RIGHT-TO-LEFT EMBEDDING',
  0x202c: 'POP DIRECTIONAL FORMATTING',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE',
  0x202e: 'RIGHT-TO-LEFT OVERRIDE',
  0x2060: 'WORD JOINER',
  0x2066: 'LEFT-TO-RIGHT ISOLATE',
  0x2067: 'RIGHT-TO-LEFT ISOLATE',
  0x2068: 'FIRST STRONG ISOLATE',
  0x2069: 'POP DIRECTIONAL ISOLATE',
  0xfeff: 'ZERO WIDTH NO-BREAK SPACE',
};

/**
 * Control, format (bidi, zero-width), line/paragraph separators, non-ASCII spaces, unassigned and private use,
 * every default-ignorable code point (Hangul fillers, the combining grapheme joiner, variation selectors…) and
 * the blank Braille pattern, which renders as nothing.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cn}\p{Default_Ignorable_Code_Point}\u2800]|(?!\u0020)\p{Zs}/u;

/** Letters that NFKC folds to plain ones: fullwidth "Ｍｅｔａ", mathematical bold "𝐌𝐞𝐭𝐚". */
const COMPATIBILITY_LETTER = /[\u{FF21}-\u{FF3A}\u{FF41}-\u{FF5A}\u{FF10}-\u{FF19}\u{1D400}-\u{1D7FF}]/u;

/** Scripts whose letters are confused with each other in names (the common homoglyph attacks). */
const LOOKALIKE_SCRIPTS = [
  ['Latin', /\p{Script=Latin}/u],
  ['Cyrillic', /\p{Script=Cyrillic}/u],
  ['Greek', /\p{Script=Greek}/u],
  ['Armenian', /\p{Script=Armenian}/u],
  ['Cherokee', /\p{Script=Cherokee}/u],
] as const;

/** Names longer than this are not scanned character by character (schemas cap report strings far below). */
const MAX_SCANNED = 10_000;

function hidden(codePoint: number): TextPiece {
  const hex = codePoint.toString(16).toUpperCase().padStart(4, '0');
  const label = NAMES[codePoint] ?? 'invisible or control character';
  return { kind: 'hidden', codePoint, label, escaped: `U+${hex}` };
}

export function revealText(input: string): RevealedText {
  const text = input.length > MAX_SCANNED ? `${input.slice(0, MAX_SCANNED)}…` : input;
  const chars = Array.from(text);
  const firstVisible = chars.findIndex((c) => c !== ' ');
  const lastVisible = chars.length - 1 - [...chars].reverse().findIndex((c) => c !== ' ');
  const pieces: TextPiece[] = [];
  let run = '';
  chars.forEach((c, i) => {
    const atEnd = firstVisible === -1 || i < firstVisible || i > lastVisible;
    if ((c === ' ' && atEnd) || INVISIBLE.test(c)) {
      if (run) pieces.push({ kind: 'text', text: run });
      run = '';
      pieces.push(hidden(c.codePointAt(0)!));
    } else {
      run += c;
    }
  });
  if (run) pieces.push({ kind: 'text', text: run });
  const scripts = LOOKALIKE_SCRIPTS.filter(([, pattern]) => pattern.test(text)).map(([name]): string => name);
  if (COMPATIBILITY_LETTER.test(text)) scripts.push('fullwidth or mathematical');
  return {
    pieces,
    marked: pieces.some((p) => p.kind === 'hidden'),
    mixedScripts: scripts.length > 1 || scripts.includes('fullwidth or mathematical') ? scripts : [],
  };
}

/** The name as plain text with every hidden character written out, e.g. "config⟨U+202E⟩nib.json". */
export function revealedPlainText(input: string): string {
  return revealText(input)
    .pieces.map((p) => (p.kind === 'text' ? p.text : `⟨${p.escaped}⟩`))
    .join('');
}
