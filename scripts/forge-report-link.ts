// Makes the links an attacker would: a real report link re-signed with a fresh key, optionally edited first.
// Used by the viewer's end-to-end tests (and by anyone checking a deployment of the viewer by hand):
//   node --import tsx scripts/forge-report-link.ts '<link>' [resign|pass|digest|name=<text>|file=<path>|show]
// resign: the same report under a fresh key; pass: the verdict set to pass; digest: one file's SHA-256
// changed (whole-model digest kept); name=…: the subject renamed; file=…: the first file renamed;
// show: print the report the link carries instead.
import { decodeFragment, encodeFragment } from '../core/sign/link-codec.ts';
import { signPayload } from '../core/sign/report-signature.ts';
import { decodeBase64 } from '../core/util/base64.ts';

interface LinkReport {
  verdict: string;
  subject: { name: string; files: { path: string; sha256?: string }[] };
}

type Edit = (report: LinkReport) => void;

const EDITS: Record<string, (arg: string) => Edit> = {
  resign: () => () => undefined,
  pass: () => (r) => {
    r.verdict = 'pass';
  },
  digest: () => (r) => {
    const file = r.subject.files.find((f) => f.sha256);
    if (!file?.sha256) throw new Error('no file with a digest to change');
    file.sha256 = file.sha256.startsWith('0') ? `1${file.sha256.slice(1)}` : `0${file.sha256.slice(1)}`;
  },
  name: (arg) => (r) => {
    r.subject.name = arg;
  },
  file: (arg) => (r) => {
    if (r.subject.files[0]) r.subject.files[0].path = arg;
  },
};

async function forge(link: string, editSpec: string): Promise<string> {
  const [origin, fragment] = link.split('/r#');
  if (!fragment) throw new Error('not a report link (no /r#)');
  const decoded = await decodeFragment(fragment);
  if (!decoded.ok) throw new Error(decoded.reason);
  const report = JSON.parse(new TextDecoder().decode(decodeBase64(decoded.bundle.envelope.payload)));
  if (editSpec === 'show') return JSON.stringify(report, null, 2);
  const [name, ...rest] = editSpec.split('=');
  const edit = EDITS[name!];
  if (!edit) throw new Error(`unknown edit ${name}; one of ${Object.keys(EDITS).join(', ')}`);
  edit(rest.join('='))(report);
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const publicKeySpki = new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey));
  const bundle = await signPayload(new TextEncoder().encode(JSON.stringify(report)), {
    privateKey: pair.privateKey,
    publicKeySpki,
  });
  return `${origin}/r#${await encodeFragment(bundle)}`;
}

const [link, edit = 'resign'] = process.argv.slice(2);
if (!link) {
  process.stderr.write('usage: forge-report-link.ts <link> [resign|pass|digest|name=<text>|file=<path>|show]\n');
  process.exit(64);
}
process.stdout.write(`${await forge(link, edit)}\n`);
