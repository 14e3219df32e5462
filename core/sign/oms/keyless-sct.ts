// Certificate Transparency (RFC 6962 §3.2–3.3): Fulcio embeds SCTs (OID 1.3.6.1.4.1.11129.2.4.2) in the
// leaf. Each signs the precertificate entry: the leaf TBS without the SCT extension, bound to the
// issuer's key hash. At least one SCT must verify with a CT log key from the trusted root.
import { AsnConvert } from '@peculiar/asn1-schema';
import { Extensions, TBSCertificate } from '@peculiar/asn1-x509';
import { bytesEqual, concatBytes, sha256 } from '../../util/bytes.ts';
import { verifyLogSignature } from './keyless-log-key.ts';
import { inRange, type TransparencyLogKey } from './keyless-trusted-root.ts';
import { derElement, findExtension, type ParsedCertificate } from './x509-cert.ts';

const OID_SCT_LIST = '1.3.6.1.4.1.11129.2.4.2';

interface Sct {
  logId: Uint8Array;
  timestamp: bigint;
  extensions: Uint8Array;
  hashAlg: number;
  sigAlg: number;
  signature: Uint8Array;
}

class Reader {
  at = 0;
  constructor(private readonly b: Uint8Array) {}
  take(n: number): Uint8Array {
    if (this.at + n > this.b.length) throw new Error('SCT list is truncated');
    const out = this.b.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
  uint(n: number): number {
    return this.take(n).reduce((v, byte) => v * 256 + byte, 0);
  }
  done(): boolean {
    return this.at === this.b.length;
  }
}

function parseSctList(tls: Uint8Array): Sct[] {
  const outer = new Reader(tls);
  const list = new Reader(outer.take(outer.uint(2)));
  if (!outer.done()) throw new Error('SCT list has trailing bytes');
  const scts: Sct[] = [];
  while (!list.done()) {
    const r = new Reader(list.take(list.uint(2)));
    if (r.uint(1) !== 0) continue; // only v1 SCTs are defined
    const logId = r.take(32);
    const timestamp = BigInt(r.uint(4)) * 2n ** 32n + BigInt(r.uint(4));
    const extensions = r.take(r.uint(2));
    const hashAlg = r.uint(1);
    const sigAlg = r.uint(1);
    const signature = r.take(r.uint(2));
    scts.push({ logId, timestamp, extensions, hashAlg, sigAlg, signature });
  }
  return scts;
}

function uintBytes(value: number | bigint, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let v = BigInt(value);
  for (let i = n - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** The leaf TBS re-encoded without the SCT list (asn1-x509 re-encodes DER byte for byte: checked). */
function precertTbs(leaf: ParsedCertificate): Uint8Array {
  const again = new Uint8Array(AsnConvert.serialize(leaf.cert.tbsCertificate));
  if (!bytesEqual(again, leaf.tbs)) throw new Error('the leaf TBS does not re-encode identically');
  const tbs = AsnConvert.parse(again, TBSCertificate);
  tbs.extensions = new Extensions((tbs.extensions ?? []).filter((e) => e.extnID !== OID_SCT_LIST));
  return new Uint8Array(AsnConvert.serialize(tbs));
}

/** Throws unless an embedded SCT verifies with a CT log key valid at its timestamp. */
export async function verifyEmbeddedSct(
  leaf: ParsedCertificate,
  issuerSpki: Uint8Array,
  ctlogs: readonly TransparencyLogKey[],
): Promise<string> {
  const ext = findExtension(leaf, OID_SCT_LIST);
  if (!ext) throw new Error('the certificate has no embedded SCT');
  const octets = new Uint8Array(ext.extnValue.buffer, ext.extnValue.byteOffset, ext.extnValue.byteLength);
  if (octets[0] !== 0x04) throw new Error('the SCT extension is not an OCTET STRING');
  const [start, end] = derElement(octets, 0);
  const scts = parseSctList(octets.subarray(start, end));
  const tbs = precertTbs(leaf);
  const issuerKeyHash = await sha256(issuerSpki);
  for (const sct of scts) {
    const log = ctlogs.find((l) => bytesEqual(l.logId, sct.logId));
    // 4 = sha256, 3 = ecdsa (RFC 5246 §7.4.1.4.1): what the sigstore CT logs use.
    if (!log || sct.hashAlg !== 4 || sct.sigAlg !== 3) continue;
    if (!inRange(log.validFor, new Date(Number(sct.timestamp)))) continue;
    const signed = concatBytes([
      new Uint8Array([0, 0]), // v1, certificate_timestamp
      uintBytes(sct.timestamp, 8),
      uintBytes(1, 2), // precert_entry
      issuerKeyHash,
      uintBytes(tbs.length, 3),
      tbs,
      uintBytes(sct.extensions.length, 2),
      sct.extensions,
    ]);
    if (await verifyLogSignature(log, sct.signature, signed)) return log.baseUrl;
  }
  throw new Error('no embedded SCT verifies with a CT log key from the trusted root');
}
