import { SaxesParser, type SaxesTagPlain } from 'saxes';
import type { ByteSource } from '../io/byte-source.ts';

/**
 * A bounded, streaming XML reader over `saxes` (strict XML 1.0: it never loads external DTDs or entities
 * and expands only the five predefined entities). It hands every start tag to a visitor and returns what
 * the scan needs about the document itself: the raw DOCTYPE, the declared encoding, the first
 * well-formedness error and the first limit crossed.
 */

export interface XmlLimits {
  maxBytes: number;
  maxDepth: number;
  maxElements: number;
  maxAttributes: number;
  maxAttributeLength: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = {
  // An OpenVINO IR of an 8B-parameter LLM is a few MB of XML; 64 MiB matches the plain-text limit.
  maxBytes: 64 << 20,
  maxDepth: 256,
  maxElements: 4_000_000,
  maxAttributes: 1024,
  maxAttributeLength: 1 << 20,
};

export interface XmlElement {
  name: string;
  attributes: Readonly<Record<string, string>>;
  /** 1 for the root element. */
  depth: number;
  /** Names of the enclosing elements, root first. */
  ancestors: readonly string[];
}

export interface XmlReadResult {
  root?: string;
  /** The DOCTYPE's content between `<!DOCTYPE` and its closing `>`, internal subset included. */
  doctype?: string;
  /** The `encoding` of the XML declaration. */
  encoding?: string;
  /** The first well-formedness error (saxes message, with line:column). */
  error?: string;
  /** The bytes were not UTF-8. */
  notUtf8?: boolean;
  /** The first limit crossed; the document was not read past it. */
  overLimit?: string;
  elements: number;
  bytesRead: number;
}

export type XmlVisitor = (element: XmlElement) => void;

/** Plain (non-namespace) mode: element and attribute names come as written, prefixes included. */
type Parser = SaxesParser<{ xmlns: false; position: true }>;

/** Thrown inside saxes callbacks to stop the parse at a limit. */
class StopReading extends Error {}

export async function readXml(
  source: ByteSource,
  visit: XmlVisitor,
  limits: XmlLimits = DEFAULT_XML_LIMITS,
): Promise<XmlReadResult> {
  const result: XmlReadResult = { elements: 0, bytesRead: 0 };
  const stack: string[] = [];
  const parser: Parser = new SaxesParser({ xmlns: false, position: true });
  const stop = (why: string): never => {
    result.overLimit ??= why;
    throw new StopReading(why);
  };
  parser.on('error', (e) => {
    result.error ??= e.message;
    throw new StopReading(e.message);
  });
  parser.on('xmldecl', (d) => {
    if (d.encoding !== undefined) result.encoding = d.encoding;
  });
  parser.on('doctype', (d) => {
    result.doctype = d;
  });
  parser.on('opentag', (tag: SaxesTagPlain) => {
    result.root ??= tag.name;
    if (++result.elements > limits.maxElements) stop(`more than ${limits.maxElements} elements`);
    if (stack.length + 1 > limits.maxDepth) stop(`elements nested deeper than ${limits.maxDepth}`);
    const attributes = boundedAttributes(tag, limits, stop);
    visit({ name: tag.name, attributes, depth: stack.length + 1, ancestors: [...stack] });
    stack.push(tag.name); // saxes reports a closetag for self-closing tags too
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  await feed(source, parser, result, limits);
  return result;
}

function boundedAttributes(
  tag: SaxesTagPlain,
  limits: XmlLimits,
  stop: (why: string) => never,
): Record<string, string> {
  const names = Object.keys(tag.attributes);
  if (names.length > limits.maxAttributes) stop(`an element with more than ${limits.maxAttributes} attributes`);
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const name of names) {
    const value = tag.attributes[name] ?? '';
    if (value.length > limits.maxAttributeLength) stop(`an attribute longer than ${limits.maxAttributeLength}`);
    out[name] = value;
  }
  return out;
}

async function feed(source: ByteSource, parser: Parser, result: XmlReadResult, limits: XmlLimits) {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of source.stream()) {
      const room = limits.maxBytes - result.bytesRead;
      const part = chunk.byteLength > room ? chunk.subarray(0, room) : chunk;
      result.bytesRead += part.byteLength;
      if (!decodeInto(decoder, part, parser, result)) return;
      if (part.byteLength < chunk.byteLength) {
        result.overLimit ??= `larger than ${limits.maxBytes} bytes`;
        return;
      }
    }
    if (!decodeInto(decoder, null, parser, result)) return;
    parser.close();
  } catch (e) {
    if (!(e instanceof StopReading)) throw e;
  }
}

/** Decodes one chunk (null: the end) and feeds it; false when the bytes are not UTF-8. */
function decodeInto(decoder: TextDecoder, chunk: Uint8Array | null, parser: Parser, result: XmlReadResult) {
  let text: string;
  try {
    text = chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
  } catch {
    result.notUtf8 = true;
    if (chunk && result.encoding === undefined) {
      const declared = declaredEncoding(chunk);
      if (declared !== undefined) result.encoding = declared;
    }
    return false;
  }
  if (text) parser.write(text);
  return true;
}

/** The `encoding` of an XML declaration at the start of raw bytes (read before any decoding). */
function declaredEncoding(bytes: Uint8Array): string | undefined {
  const start = String.fromCharCode(...bytes.subarray(0, 200));
  return /^(?:\uFEFF|\u00EF\u00BB\u00BF)?<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._-]{1,40})["']/.exec(start)?.[1];
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const ASCII = (s: string) => Array.from(s, (c) => c.charCodeAt(0));

/** Where the markup starts: after a UTF-8 byte-order mark and XML white space. */
function markupStart(head: Uint8Array): number {
  let i = UTF8_BOM.every((b, k) => head[k] === b) ? 3 : 0;
  while (i < head.byteLength && [0x20, 0x09, 0x0a, 0x0d].includes(head[i]!)) i++;
  return i;
}

function startsWith(head: Uint8Array, at: number, text: string): boolean {
  return ASCII(text).every((b, k) => head[at + k] === b);
}

/**
 * How the head of a file opens as XML: with an XML declaration or a DOCTYPE (either way XML loaders take
 * it), with a root element or comment/processing instruction (XML only if the whole document parses), or
 * not at all. A DOCTYPE after leading comments counts as a DOCTYPE.
 */
export function xmlOpening(head: Uint8Array): 'declared' | 'markup' | null {
  const at = markupStart(head);
  if (startsWith(head, at, '<?xml') && [0x20, 0x09, 0x0a, 0x0d, 0x3f].includes(head[at + 5] ?? 0)) return 'declared';
  if (startsWith(head, at, '<!DOCTYPE')) return 'declared';
  if (startsWith(head, at, '<!--') || startsWith(head, at, '<?')) {
    const text = new TextDecoder('utf-8', { fatal: false }).decode(head.subarray(at));
    return /^(?:\s*(?:<!--[\s\S]*?-->|<\?[\s\S]*?\?>))*\s*<!DOCTYPE/.test(text) ? 'declared' : 'markup';
  }
  const next = head[at + 1] ?? 0;
  const nameStart = next === 0x3a || next === 0x5f || ((next | 0x20) >= 0x61 && (next | 0x20) <= 0x7a) || next >= 0x80;
  return head[at] === 0x3c && nameStart ? 'markup' : null;
}
