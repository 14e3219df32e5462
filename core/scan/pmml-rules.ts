import type { XmlElement } from '../formats/xml.ts';
import type { ScanFinding } from './types.ts';
import { xmlFinding } from './xml-framework-codes.ts';

/**
 * Rules over a PMML document (dmg.org PMML 3.0 … 4.4). PMML is declarative: a model is data that a scoring
 * engine interprets. Two places reach outside it: `Extension` elements (vendor content, PMML 4.4 "General
 * Structure") and `Apply` calls to functions that are neither built in nor defined by a `DefineFunction`
 * (JPMML-Evaluator resolves such a name as a Java class on the host: FunctionRegistry).
 */

/** PMML 4.4 built-in functions (dmg.org/pmml/v4-4-1/BuiltinFunctions.html). */
const BUILTIN_FUNCTIONS: ReadonlySet<string> = new Set([
  '+', '-', '*', '/', 'min', 'max', 'sum', 'avg', 'median', 'product', 'log10', 'ln', 'sqrt', 'abs', 'exp', 'pow',
  'threshold', 'floor', 'ceil', 'round', 'modulo', 'isMissing', 'isNotMissing', 'isValid', 'isNotValid', 'equal',
  'notEqual', 'lessThan', 'lessOrEqual', 'greaterThan', 'greaterOrEqual', 'and', 'or', 'not', 'isIn', 'isNotIn',
  'if', 'uppercase', 'lowercase', 'stringLength', 'substring', 'trimBlanks', 'concat', 'replace', 'matches',
  'formatNumber', 'formatDatetime', 'dateDaysSinceYear', 'dateSecondsSinceYear', 'dateSecondsSinceMidnight',
  'normalCDF', 'normalPDF', 'stdNormalCDF', 'stdNormalPDF', 'erf', 'normalIDF', 'stdNormalIDF', 'expm1', 'hypot',
  'ln1p', 'rint', 'sin', 'asin', 'sinh', 'cos', 'acos', 'cosh', 'tan', 'atan', 'tanh',
]); // prettier-ignore

/** Versions with a published schema at dmg.org. */
const KNOWN_VERSION = /^(3\.[0-2]|4\.[0-4](\.\d+)?)$/;

/** Top-level elements that are not models (PMML 4.4 General Structure). */
const NOT_MODELS = new Set(['Header', 'MiningBuildTask', 'DataDictionary', 'TransformationDictionary', 'Extension']);

const MAX_LISTED = 20;

export class PmmlRules {
  private version = '';
  private readonly models: string[] = [];
  private readonly extensions: { parent: string; name?: string; holds: string[] }[] = [];
  private readonly defined = new Set<string>();
  private readonly applied = new Map<string, number>();
  private elements = 0;

  visit(el: XmlElement): void {
    this.elements++;
    if (el.depth === 1) this.version = el.attributes.version ?? '';
    if (el.depth === 2 && !NOT_MODELS.has(el.name)) this.models.push(el.name);
    // Markup inside an Extension is that Extension's content: listed as what it holds.
    if (el.ancestors.includes('Extension')) this.noteContent(el);
    else if (el.name === 'Extension') this.noteExtension(el);
    if (el.name === 'DefineFunction' && el.attributes.name) this.defined.add(el.attributes.name);
    const fn = el.name === 'Apply' ? el.attributes.function : undefined;
    if (fn !== undefined && !this.applied.has(fn)) this.applied.set(fn, this.elements);
  }

  private noteExtension(el: XmlElement): void {
    const parent = el.ancestors.at(-1) ?? '';
    this.extensions.push({ parent, holds: [], ...(el.attributes.name ? { name: el.attributes.name } : {}) });
  }

  private noteContent(el: XmlElement): void {
    const holds = this.extensions.at(-1)?.holds;
    if (holds && holds.length < MAX_LISTED && !holds.includes(el.name)) holds.push(el.name);
  }

  findings(): ScanFinding[] {
    const findings: ScanFinding[] = [];
    if (!KNOWN_VERSION.test(this.version)) {
      findings.push(xmlFinding('pmmlVersion', `PMML version '${this.version.slice(0, 40)}' is not 3.0 … 4.4`));
    }
    if (this.extensions.length > 0) {
      const listed = this.extensions.slice(0, MAX_LISTED);
      const what = listed.map(
        (x) =>
          `${x.name ? `'${x.name.slice(0, 60)}'` : '(unnamed)'} in ${x.parent}` +
          (x.holds.length > 0 ? ` holding <${x.holds.join('>, <')}>` : ''),
      );
      findings.push(
        xmlFinding('pmmlExtension', `${this.extensions.length} Extension element(s): ${what.join(', ')}`, {
          evidence: { extensions: listed },
        }),
      );
    }
    const unknown = [...this.applied.keys()].filter((f) => !BUILTIN_FUNCTIONS.has(f) && !this.defined.has(f));
    if (unknown.length > 0) {
      const names = unknown.slice(0, MAX_LISTED).map((f) => f.slice(0, 120));
      findings.push(
        xmlFinding('pmmlUnknownFunction', `calls functions the file does not define: ${names.join(', ')}`, {
          evidence: { functions: names },
        }),
      );
    }
    findings.push(
      xmlFinding('pmmlInventory', `PMML ${this.version}, models: ${this.models.join(', ') || 'none'}`, {
        evidence: { version: this.version, models: this.models.slice(0, MAX_LISTED), elements: this.elements },
      }),
    );
    return findings;
  }
}
