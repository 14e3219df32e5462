import { z } from 'zod';
import type { XmlElement } from '../formats/xml.ts';
import type { DescribedData, ScanFinding } from './types.ts';
import { xmlFinding } from './xml-framework-codes.ts';

/**
 * Rules over an OpenVINO IR `.xml` (IR v10/v11, docs.openvino.ai "OpenVINO IR format"): every layer must
 * come from a standard opset (anything else needs a native extension library on the host), and every Const
 * layer's `<data offset size>` must be a consistent range of the `.bin` weights file, whose size the scan
 * then states in `describes` so the folder check can vouch for that headerless file.
 */

/** Standard opsets shipped in the runtime (opset1 … opset16, docs.openvino.ai "Available Operation Sets"). */
const STANDARD_OPSET = /^opset([1-9]|1[0-6])$/;

/** Bits per element of the IR element types with a fixed size (ov::element::Type). */
const ELEMENT_BITS: Readonly<Record<string, number>> = {
  boolean: 8, bf16: 16, f16: 16, f32: 32, f64: 64, i4: 4, i8: 8, i16: 16, i32: 32, i64: 64, u1: 1, u2: 2, u3: 3,
  u4: 4, u6: 6, u8: 8, u16: 16, u32: 32, u64: 64, nf4: 4, f8e4m3: 8, f8e5m2: 8, f4e2m1: 4, f8e8m0: 8,
}; // prettier-ignore

const MAX_LISTED = 20;
/** Offsets and sizes above 2^53 are not exact in JavaScript; no weights file is that large. */
const Decimal = z
  .string()
  .regex(/^\d{1,15}$/)
  .transform(Number);
const Shape = z
  .string()
  .regex(/^(\d{1,12}(\s*,\s*\d{1,12})*)?$/)
  .transform((s) => (s.trim() === '' ? [] : s.split(',').map((d) => Number(d.trim()))));
const ConstData = z.object({ offset: Decimal, size: Decimal, element_type: z.string(), shape: Shape });

interface Layer {
  id: string;
  type: string;
  version: string;
  depth: number;
}

export class OpenvinoRules {
  private irVersion = '';
  private readonly sections = new Set<string>();
  private readonly layers: Layer[] = [];
  private readonly extensionOps = new Map<string, string>();
  private readonly opsets = new Set<string>();
  private readonly badConsts: string[] = [];
  private readonly uncheckedConsts: string[] = [];
  private consts = 0;
  private binBytes = 0;

  visit(el: XmlElement): void {
    if (el.depth === 1) this.irVersion = el.attributes.version ?? '';
    if (el.depth === 2) this.sections.add(el.name);
    if (el.name === 'layer') this.visitLayer(el);
    const layer = this.layers.at(-1);
    if (el.name === 'data' && layer && el.depth === layer.depth + 1 && el.ancestors.at(-1) === 'layer') {
      // Only Const layers read the .bin; other layers have their own `size` attributes (LRN, opset1).
      if (layer.type === 'Const') this.visitConst(layer, el);
    }
  }

  private visitLayer(el: XmlElement): void {
    const layer = {
      id: el.attributes.id ?? '',
      type: el.attributes.type ?? '',
      version: el.attributes.version ?? '',
      depth: el.depth,
    };
    this.layers.push(layer);
    if (STANDARD_OPSET.test(layer.version)) this.opsets.add(layer.version);
    else if (!this.extensionOps.has(`${layer.type}@${layer.version}`)) {
      this.extensionOps.set(`${layer.type}@${layer.version}`, layer.id);
    }
  }

  private visitConst(layer: Layer, el: XmlElement): void {
    this.consts++;
    const what = `Const layer ${layer.id.slice(0, 40)}`;
    const parsed = ConstData.safeParse(el.attributes);
    if (!parsed.success) {
      this.badConsts.push(`${what}: offset/size/shape/element_type are not a valid range`);
      return;
    }
    const { offset, size, element_type: type, shape } = parsed.data;
    this.binBytes = Math.max(this.binBytes, offset + size);
    const bits = ELEMENT_BITS[type];
    if (bits === undefined) {
      this.uncheckedConsts.push(`${what} (${type.slice(0, 20)})`);
      return;
    }
    const elements = shape.reduce((n, d) => n * d, 1);
    const expected = Math.ceil((elements * bits) / 8);
    if (expected !== size)
      this.badConsts.push(`${what}: size ${size} but shape [${shape.join(',')}] ${type} is ${expected}`);
  }

  findings(): ScanFinding[] {
    const findings: ScanFinding[] = [];
    if (this.irVersion !== '10' && this.irVersion !== '11') {
      findings.push(xmlFinding('openvinoVersion', `IR version '${this.irVersion.slice(0, 20)}' is not 10 or 11`));
    }
    const missing = ['layers', 'edges'].filter((s) => !this.sections.has(s));
    if (missing.length > 0 || this.layers.some((l) => !l.id || !l.type || !l.version)) {
      const why = missing.length > 0 ? `no ${missing.join(' or ')} section` : 'a layer without id, type or version';
      findings.push(xmlFinding('openvinoStructure', why));
    }
    if (this.extensionOps.size > 0) {
      const ops = [...this.extensionOps.keys()].slice(0, MAX_LISTED);
      findings.push(
        xmlFinding('openvinoExtensionOp', `layers outside the standard opsets (type@version): ${ops.join(', ')}`, {
          evidence: { operations: ops },
        }),
      );
    }
    if (this.badConsts.length > 0) {
      findings.push(xmlFinding('openvinoBadConst', this.badConsts.slice(0, MAX_LISTED).join('; ')));
    }
    if (this.uncheckedConsts.length > 0) {
      const listed = this.uncheckedConsts.slice(0, MAX_LISTED).join(', ');
      findings.push(xmlFinding('openvinoUncheckedConst', `constants of element types without a fixed size: ${listed}`));
    }
    findings.push(this.inventory());
    return findings;
  }

  private inventory(): ScanFinding {
    return xmlFinding(
      'openvinoInventory',
      `IR v${this.irVersion}, ${this.layers.length} layers, ${this.consts} constants reading ${this.binBytes} bytes ` +
        `of weights, opsets ${[...this.opsets].sort().join(', ') || 'none'}`,
      {
        evidence: {
          irVersion: this.irVersion,
          layers: this.layers.length,
          consts: this.consts,
          binBytes: this.binBytes,
        },
      },
    );
  }

  /**
   * The weights file this IR reads, for the folder check: only called when the scan found the IR benign. The
   * runtime finds it by replacing the .xml's extension with .bin (ov::Core::read_model with no weights path;
   * OpenVINO IR frontend, frontends/ir/src/frontend.cpp), and needs at least the largest offset + size.
   */
  describes(xmlName: string): DescribedData[] {
    if (this.binBytes === 0) return [];
    const base = xmlName.split('/').pop() ?? xmlName;
    const dot = base.lastIndexOf('.');
    const path = `${dot > 0 ? base.slice(0, dot) : base}.bin`;
    return [{ path, bytes: this.binBytes, what: `weights of ${this.consts} constants, laid out by ${base}` }];
  }
}
