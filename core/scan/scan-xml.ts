import type { ByteSource } from '../io/byte-source.ts';
import { readXml, xmlOpening, type XmlElement, type XmlLimits, DEFAULT_XML_LIMITS } from '../formats/xml.ts';
import type { ScanContext, ScanFinding, ScanOutcome } from './types.ts';
import { validatorOutcome } from './validator-outcome.ts';
import { verdictOfFinding } from './finding-verdict.ts';
import { doctypeFindings } from './xml-doctype-rules.ts';
import { xmlFinding } from './xml-framework-codes.ts';
import { PmmlRules } from './pmml-rules.ts';
import { OpenvinoRules } from './openvino-rules.ts';

/**
 * XML checker: every XML document is read in full with a strict parser that never resolves entities; its
 * DOCTYPE, XIncludes and well-formedness decide what any XML loader would do with it, and documents whose
 * root is a model format (PMML, OpenVINO IR) get that format's rules on top.
 */

/** Root elements of the model formats checked here: a document with one of them is claimed even if broken. */
const MODEL_ROOTS = new Set(['PMML', 'net']);

/** How much of a document without an XML declaration the sniffer reads to decide it is XML. */
const SNIFF_BYTES = 1 << 20;

const ALARMS: ReadonlySet<string> = new Set(['malicious', 'suspicious']);

const XINCLUDE_NAMESPACES = new Set(['http://www.w3.org/2001/XInclude', 'http://www.w3.org/2003/XInclude']);

/**
 * Claims a file an XML loader would read: one that declares itself XML (`<?xml`) or has a DOCTYPE (the
 * carrier of every entity attack), or one that opens with markup and is well-formed XML throughout or has a
 * model-format root. Markdown or Jinja that merely starts with an HTML tag is not well-formed XML (text
 * after the root, unclosed tags), so it stays with the plain-text scanner; without a DOCTYPE such a file
 * holds no entity an XML loader could resolve.
 */
export async function looksLikeXml(head: Uint8Array, source: ByteSource): Promise<boolean> {
  const opening = xmlOpening(head);
  if (opening === 'declared') return true;
  if (opening === null) return false;
  const limits: XmlLimits = { ...DEFAULT_XML_LIMITS, maxBytes: SNIFF_BYTES };
  const read = await readXml(source, () => undefined, limits);
  if (read.root !== undefined && MODEL_ROOTS.has(read.root)) return true;
  return read.root !== undefined && !read.error && !read.notUtf8;
}

type FormatRules = PmmlRules | OpenvinoRules;

export async function scanXml(source: ByteSource, ctx: ScanContext): Promise<ScanOutcome> {
  let rules: FormatRules | undefined;
  const includes = new XIncludeRule();
  const read = await readXml(source, (el) => {
    if (el.depth === 1) rules = rulesFor(el);
    includes.visit(el);
    rules?.visit(el);
  });
  const format = rules instanceof PmmlRules ? 'pmml' : rules instanceof OpenvinoRules ? 'openvino-ir' : 'xml';
  const findings = [...documentFindings(read), ...includes.findings()];
  const complete = !read.error && !read.notUtf8 && !read.overLimit;
  if (complete && !read.doctype) findings.push(...(rules?.findings() ?? [xmlInventory(read)]));
  // Read only in part: the format rules' alarms stand, their structure and inventory findings do not.
  else if (rules) findings.push(...rules.findings().filter((f) => ALARMS.has(verdictOfFinding(f))));
  const outcome = validatorOutcome(format, findings, ctx);
  if (outcome.verdict === 'benign' && rules instanceof OpenvinoRules) {
    const described = rules.describes(source.name);
    if (described.length > 0) outcome.describes = described;
  }
  return outcome;
}

function rulesFor(root: XmlElement): FormatRules | undefined {
  if (root.name === 'PMML') return new PmmlRules();
  if (root.name === 'net' && 'version' in root.attributes) return new OpenvinoRules();
  return undefined;
}

/** Findings about the document as XML: encoding, well-formedness, limits, DOCTYPE. */
function documentFindings(read: Awaited<ReturnType<typeof readXml>>): ScanFinding[] {
  const findings: ScanFinding[] = [];
  const encoding = read.encoding?.toLowerCase();
  const foreign = encoding !== undefined && !['utf-8', 'utf8', 'us-ascii', 'ascii'].includes(encoding);
  if (foreign || read.notUtf8) {
    const why = foreign ? `declares encoding '${read.encoding!.slice(0, 40)}'` : 'is not valid UTF-8';
    findings.push(xmlFinding(foreign ? 'xmlEncoding' : 'xmlMalformed', `the document ${why}`));
  }
  if (read.doctype !== undefined) findings.push(...doctypeFindings(read.doctype));
  if (read.error) findings.push(errorFinding(read.error, read.doctype !== undefined));
  if (read.overLimit) findings.push(xmlFinding('xmlOverLimit', `the document has ${read.overLimit}`));
  if (read.root === undefined && !read.error && !read.overLimit && !read.notUtf8) {
    findings.push(xmlFinding('xmlMalformed', 'the document has no root element'));
  }
  return findings;
}

/**
 * saxes does not expand entities declared in a DOCTYPE, so their use stops the read: that is the scan's
 * limit, not a broken document (the DOCTYPE finding already sets the verdict).
 */
function errorFinding(error: string, hasDoctype: boolean): ScanFinding {
  if (hasDoctype && error.includes('undefined entity')) {
    return xmlFinding('xmlOverLimit', `the document uses an entity of its DOCTYPE (${error}); not read past it`);
  }
  return xmlFinding('xmlMalformed', error);
}

function xmlInventory(read: Awaited<ReturnType<typeof readXml>>): ScanFinding {
  return xmlFinding('xmlInventory', `root element <${read.root ?? ''}>, ${read.elements} elements`, {
    evidence: { root: read.root, elements: read.elements, bytes: read.bytesRead },
  });
}

/** XInclude elements (prefixes bound to the XInclude namespace anywhere in the document count everywhere). */
class XIncludeRule {
  private readonly prefixes = new Set<string>();
  private readonly hrefs: string[] = [];

  visit(el: XmlElement): void {
    for (const [name, value] of Object.entries(el.attributes)) {
      if (!XINCLUDE_NAMESPACES.has(value)) continue;
      if (name === 'xmlns') this.prefixes.add('');
      else if (name.startsWith('xmlns:')) this.prefixes.add(name.slice(6));
    }
    const colon = el.name.indexOf(':');
    const prefix = colon < 0 ? '' : el.name.slice(0, colon);
    if (el.name.slice(colon + 1) === 'include' && this.prefixes.has(prefix)) {
      this.hrefs.push(el.attributes.href ?? '(no href)');
    }
  }

  findings(): ScanFinding[] {
    if (this.hrefs.length === 0) return [];
    const hrefs = this.hrefs.slice(0, 20).map((h) => h.slice(0, 200));
    return [xmlFinding('xmlInclude', `XInclude of ${hrefs.join(', ')}`, { evidence: { hrefs } })];
  }
}
