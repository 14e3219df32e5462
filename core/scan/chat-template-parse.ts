import { parse } from '@huggingface/jinja';
import { lexSegments, type JinjaToken, type Segment } from './chat-template-lexer.ts';

/**
 * Syntax tree of a chat template. jinja2's lexer (chat-template-lexer.ts) splits the text; the parser of
 * @huggingface/jinja builds the tree. Tags that parser lacks are rewritten into ones it has with the same
 * expressions inside (`with` into `set`, `include` into an output of its argument), so every expression
 * jinja2 would evaluate is in the tree; only whitespace and scoping, which do not matter here, are lost.
 */

export type Program = ReturnType<typeof parse>;

export interface Parsed {
  program: Program;
  /** Every token, for locating findings and for a token-level look when the tree cannot be built. */
  tokens: JinjaToken[];
  /** Tags that load other templates (`include`, `import`, `extends`, `from`). */
  loads: { tag: string; at: number }[];
}

const DROPPED_TAGS = new Set(['endwith', 'block', 'endblock', 'endautoescape', 'generation', 'endgeneration']);
const LOADING_TAGS = new Set(['include', 'import', 'extends', 'from']);
/** Words that end the template expression of a loading tag. */
const LOAD_STOP = new Set(['ignore', 'with', 'without', 'as', 'import']);
const KEYWORDS = new Set(['in', 'not', 'and', 'or', 'is', 'if', 'else']);

export function parseTemplate(src: string): { tokens: JinjaToken[]; parse: () => Parsed } {
  const segments = lexSegments(src);
  const tokens = segments.flatMap((s) => s.tokens);
  return {
    tokens,
    parse: () => {
      // The parser and the walk recurse once per level: a deeper template is refused before either runs.
      if (nestingDepth(segments) > MAX_TEMPLATE_NESTING) {
        throw new Error(`nested deeper than ${MAX_TEMPLATE_NESTING} levels`);
      }
      const loads: Parsed['loads'] = [];
      const stream = segments.flatMap((s) => toParserTokens(s, loads));
      return { program: parse(stream), tokens, loads };
    },
  };
}

/** Real chat templates nest blocks, brackets and unary operators under 15 levels. */
export const MAX_TEMPLATE_NESTING = 100;
/** Tags closed by `end<tag>`; `set` only as a block (`{% set x %}…{% endset %}`, without `=`). */
const BLOCK_TAGS = new Set(['if', 'for', 'macro', 'call', 'filter', 'set']);

/**
 * How deeply the parser would recurse, counted on the tokens in one loop: open blocks, plus open brackets and
 * a run of prefix operators (`not not -x`) inside one tag. Counts too deep rather than too shallow.
 */
export function nestingDepth(segments: readonly Segment[]): number {
  let blocks = 0;
  let max = 0;
  for (const seg of segments) {
    const head = seg.tokens[0];
    const tag = seg.kind === 'stmt' && head?.type === 'Identifier' ? head.value : '';
    if (BLOCK_TAGS.has(tag) && !(tag === 'set' && seg.tokens.some((t) => t.type === 'Equals'))) blocks++;
    else if (tag.startsWith('end') && BLOCK_TAGS.has(tag.slice(3))) blocks = Math.max(0, blocks - 1);
    let brackets = 0;
    let prefix = 0;
    let operand = true;
    for (const t of seg.tokens) {
      if (t.type === 'OpenParen' || t.type === 'OpenSquareBracket' || t.type === 'OpenCurlyBracket') {
        brackets++;
        operand = true;
      } else if (t.type === 'CloseParen' || t.type === 'CloseSquareBracket' || t.type === 'CloseCurlyBracket') {
        brackets = Math.max(0, brackets - 1);
        operand = false;
      } else if (operand && (t.type === 'AdditiveBinaryOperator' || (t.type === 'Identifier' && t.value === 'not'))) {
        prefix++;
      } else if (t.type === 'Identifier' && KEYWORDS.has(t.value)) {
        operand = true;
      } else if (t.type === 'Identifier' || t.type === 'StringLiteral' || t.type === 'NumericLiteral') {
        operand = false;
        prefix = 0;
      } else operand = true;
      max = Math.max(max, blocks + brackets + prefix);
    }
    max = Math.max(max, blocks);
  }
  return max;
}

function toParserTokens(seg: Segment, loads: Parsed['loads']): JinjaToken[] {
  if (seg.kind === 'text') return [{ type: 'Text', value: seg.text, at: seg.at }];
  if (seg.kind === 'expr') return wrap('expr', fixTuples(seg.tokens), seg.at);
  const [head, ...rest] = seg.tokens;
  const tag = head?.type === 'Identifier' ? head.value : '';
  if (DROPPED_TAGS.has(tag)) return [];
  if (tag === 'with') return splitTopLevel(rest).flatMap((part) => wrap('stmt', [setWord(seg.at), ...part], seg.at));
  if (tag === 'autoescape' || tag === 'do') return wrap('expr', fixTuples(rest), seg.at);
  if (LOADING_TAGS.has(tag)) {
    loads.push({ tag, at: seg.at });
    const end = rest.findIndex((t) => t.type === 'Identifier' && LOAD_STOP.has(t.value));
    return wrap('expr', fixTuples(end === -1 ? rest : rest.slice(0, end)), seg.at);
  }
  const body = tag === 'for' && rest.at(-1)?.value === 'recursive' ? seg.tokens.slice(0, -1) : seg.tokens;
  return wrap('stmt', fixTuples(body), seg.at);
}

function setWord(at: number): JinjaToken {
  return { type: 'Identifier', value: 'set', at };
}

function wrap(kind: 'expr' | 'stmt', inner: JinjaToken[], at: number): JinjaToken[] {
  const [open, close] = kind === 'expr' ? (['{{', '}}'] as const) : (['{%', '%}'] as const);
  return [
    { type: kind === 'expr' ? 'OpenExpression' : 'OpenStatement', value: open, at },
    ...inner,
    { type: kind === 'expr' ? 'CloseExpression' : 'CloseStatement', value: close, at },
  ];
}

function splitTopLevel(tokens: JinjaToken[]): JinjaToken[][] {
  const parts: JinjaToken[][] = [[]];
  let depth = 0;
  for (const t of tokens) {
    if (t.type.startsWith('Open')) depth++;
    if (t.type.startsWith('Close')) depth--;
    if (t.type === 'Comma' && depth === 0) parts.push([]);
    else parts.at(-1)?.push(t);
  }
  return parts.filter((p) => p.length > 0).map(fixTuples);
}

/** Whether the token ends an operand, so a following `(` is a call rather than a group. */
function endsOperand(t: JinjaToken | undefined): boolean {
  if (!t) return false;
  if (t.type === 'Identifier') return !KEYWORDS.has(t.value);
  return ['CloseParen', 'CloseSquareBracket', 'CloseCurlyBracket', 'StringLiteral', 'NumericLiteral'].includes(t.type);
}

const TEST_ARG_STARTS = ['StringLiteral', 'NumericLiteral', 'OpenParen', 'OpenSquareBracket', 'OpenCurlyBracket'];
const NOT_AN_ARGUMENT = new Set([...KEYWORDS, 'recursive']);

/**
 * A test with an argument (`x is divisibleby 3`, `x is sameas(y)`), which the parser does not read:
 * `and` is put between the test and its argument, so the argument stays in the tree as an operand.
 */
function fixTestArguments(tokens: JinjaToken[]): JinjaToken[] {
  const out: JinjaToken[] = [];
  tokens.forEach((t, i) => {
    out.push(t);
    const prev = tokens[i - 1];
    const afterIs = prev?.value === 'is' || (prev?.value === 'not' && tokens[i - 2]?.value === 'is');
    const isTestName = t.type === 'Identifier' && t.value !== 'not' && prev?.type === 'Identifier' && afterIs;
    const next = tokens[i + 1];
    const argument =
      next !== undefined &&
      (TEST_ARG_STARTS.includes(next.type) || (next.type === 'Identifier' && !NOT_AN_ARGUMENT.has(next.value)));
    if (isTestName && argument) out.push({ type: 'Identifier', value: 'and', at: next.at });
  });
  return out;
}

/**
 * Python tuples the parser does not read: `()` becomes `[]` and `(x,)` becomes `(x)`. Both stay
 * containers of the same elements, which is all the check needs. Tests with arguments are fixed first.
 */
function fixTuples(raw: JinjaToken[]): JinjaToken[] {
  const tokens = fixTestArguments(raw);
  const out: JinjaToken[] = [];
  const groups: boolean[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as JinjaToken;
    const next = tokens[i + 1];
    if (t.type === 'OpenParen') {
      const group = !endsOperand(out.at(-1));
      if (group && next?.type === 'CloseParen') {
        out.push({ ...t, type: 'OpenSquareBracket', value: '[' }, { ...next, type: 'CloseSquareBracket', value: ']' });
        i++;
        continue;
      }
      groups.push(group);
    } else if (t.type === 'CloseParen') groups.pop();
    else if (t.type === 'Comma' && next?.type === 'CloseParen' && groups.at(-1) === true) continue;
    out.push(t);
  }
  return out;
}
