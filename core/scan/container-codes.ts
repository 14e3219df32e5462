import type { ScanContext, ScanFinding, ScanVerdict } from './types.ts';
import type { CatalogEntry } from '../check/types.ts';
import type { ByteSource } from '../io/byte-source.ts';

/**
 * Finding codes MG-SCAN-100…199: ZIP, tar, 7z, compression wrappers, PyTorch / TorchScript / NumPy
 * containers.
 * Codes are stable: never renumber or reuse one. `verdict` is what the finding alone makes the file.
 */
export interface ContainerCodeInfo extends CatalogEntry {
  code: string;
  verdict: ScanVerdict;
  reference?: string;
}

const SONATYPE_1944 = 'https://nvd.nist.gov/vuln/detail/CVE-2025-1944';
const SONATYPE_1945 = 'https://github.com/advisories/GHSA-w8jq-xcqf-f792';
const JFROG_10156 = 'https://nvd.nist.gov/vuln/detail/CVE-2025-10156';
const JFROG_10155 = 'https://nvd.nist.gov/vuln/detail/CVE-2025-10155';
const NULLIFAI = 'https://www.reversinglabs.com/blog/rl-identifies-malware-ml-model-hosted-on-hugging-face';
const PICKLESCAN_64 = 'https://github.com/advisories/GHSA-97f8-7cmv-76j2';

export const CONTAINER_CODES = {
  zipUnreadable: {
    code: 'MG-SCAN-100',
    severity: 'high',
    verdict: 'invalid',
    title: 'The ZIP archive structure is broken',
    explanation: 'The archive directory could not be read, so its members could not all be found and checked.',
  },
  duplicateName: {
    code: 'MG-SCAN-101',
    severity: 'high',
    verdict: 'suspicious',
    title: 'The archive holds two members with the same name',
    explanation:
      'Different loaders pick different copies of a duplicated name, which hides one copy from scanners (technique 6). Every copy was scanned.',
  },
  caseVariantName: {
    code: 'MG-SCAN-102',
    severity: 'medium',
    verdict: 'suspicious',
    title: 'Two members differ only by upper/lower case',
    explanation: 'On case-insensitive systems one member replaces the other when extracted. Every copy was scanned.',
  },
  unsafePath: {
    code: 'MG-SCAN-103',
    severity: 'high',
    verdict: 'suspicious',
    title: 'A member name escapes the archive folder',
    explanation: 'A name with "..", a drive letter or a leading "/" writes outside the target folder when extracted.',
  },
  nameMismatch: {
    code: 'MG-SCAN-104',
    severity: 'high',
    verdict: 'suspicious',
    reference: SONATYPE_1944,
    title: 'A member has a different name in the local header and in the directory',
    explanation:
      'Scanners that read one header and loaders that read the other then see different files (CVE-2025-1944).',
  },
  flagBits: {
    code: 'MG-SCAN-105',
    severity: 'high',
    verdict: 'suspicious',
    reference: SONATYPE_1945,
    title: 'A member is flagged as encrypted or patched but is readable',
    explanation:
      'General-purpose flag bits 0x1/0x20/0x40 make strict ZIP readers (and scanners) refuse the member while some loaders ignore them (CVE-2025-1945).',
  },
  badCrc: {
    code: 'MG-SCAN-106',
    severity: 'medium',
    verdict: 'suspicious',
    reference: JFROG_10156,
    title: 'A member fails its CRC-32 check',
    explanation:
      'PyTorch does not check CRCs while strict readers abort, a known scanner bypass (CVE-2025-10156). The member was scanned anyway.',
  },
  prefixData: {
    code: 'MG-SCAN-107',
    severity: 'medium',
    verdict: 'suspicious',
    title: 'Bytes come before the first archive member',
    explanation:
      'A file that begins with other content is read as that content by some loaders (PyTorch checks only the first bytes), so it is two files at once. The prefix was scanned too.',
  },
  overlap: {
    code: 'MG-SCAN-108',
    severity: 'high',
    verdict: 'suspicious',
    title: 'Archive members overlap',
    explanation: 'Overlapping members are how ZIP bombs and parser-confusion files are built.',
  },
  unsupportedMethod: {
    code: 'MG-SCAN-109',
    severity: 'medium',
    verdict: 'unverified',
    title: 'A member uses a compression method ModelGate cannot decode',
    explanation: 'Its contents could not be checked, so the file cannot be called safe.',
  },
  inflateBudget: {
    code: 'MG-SCAN-110',
    severity: 'medium',
    verdict: 'unverified',
    title: 'Decompression stopped at the size limit',
    explanation:
      'The content expands beyond the scan budget (a decompression bomb, or simply very large); what lies beyond was not checked.',
  },
  tooDeep: {
    code: 'MG-SCAN-111',
    severity: 'medium',
    verdict: 'unverified',
    title: 'Archives are nested too deeply to check',
    explanation: 'Nesting beyond the depth limit was not opened (technique 13).',
  },
  pytorchZip: {
    code: 'MG-SCAN-112',
    severity: 'info',
    verdict: 'benign',
    title: 'PyTorch checkpoint (zip format)',
    explanation: 'Every pickle member was scanned; tensor storages were skipped without being read.',
  },
  torchScriptCode: {
    code: 'MG-SCAN-113',
    severity: 'medium',
    verdict: 'suspicious',
    title: 'TorchScript code that runs when the model is loaded',
    explanation:
      'TorchScript archives carry Python-like code that torch.jit.load compiles and runs; ModelGate lists it but does not judge it.',
  },
  sevenZip: {
    code: 'MG-SCAN-114',
    severity: 'medium',
    verdict: 'unverified',
    reference: NULLIFAI,
    title: '7z archive: contents could not be checked',
    explanation:
      '7z archives were used to slip malicious pickles past scanners (nullifAI, technique 7); ModelGate has no 7z decoder.',
  },
  decodeFailed: {
    code: 'MG-SCAN-115',
    severity: 'medium',
    verdict: 'unverified',
    title: 'Compressed content could not be decoded',
    explanation: 'The compressed stream is corrupt or uses an unsupported variant; its contents were not checked.',
  },
  memberTooLarge: {
    code: 'MG-SCAN-116',
    severity: 'medium',
    verdict: 'unverified',
    title: 'A compressed member is too large to check in memory',
    explanation: 'It exceeds the per-member memory limit, so it was not scanned.',
  },
  tarUnreadable: {
    code: 'MG-SCAN-117',
    severity: 'high',
    verdict: 'invalid',
    title: 'The tar archive structure is broken',
    explanation: 'A header failed its checksum or a size runs past the end of the file.',
  },
  torchTar: {
    code: 'MG-SCAN-118',
    severity: 'low',
    verdict: 'benign',
    title: 'Oldest PyTorch format (tar)',
    explanation:
      'torch.load unpickles the storages, tensors and pickle members of this tar; scanners that skip tar miss them (technique 8). All were scanned.',
  },
  torchLegacy: {
    code: 'MG-SCAN-119',
    severity: 'low',
    verdict: 'benign',
    reference: JFROG_10155,
    title: 'Legacy PyTorch format (stream of pickles)',
    explanation:
      'torch.load reads several pickles in a row (magic number, protocol, sys_info, model, storage keys); each was scanned (techniques 9–11).',
  },
  torchLegacyMagic: {
    code: 'MG-SCAN-120',
    severity: 'high',
    verdict: 'suspicious',
    reference: PICKLESCAN_64,
    title: 'The legacy PyTorch magic number is not a plain constant',
    explanation:
      'The first pickle of a legacy checkpoint must be the magic number; anything else runs before torch checks it (technique 10).',
  },
  npyInvalid: {
    code: 'MG-SCAN-121',
    severity: 'high',
    verdict: 'invalid',
    title: 'The NumPy array file is malformed',
    explanation: 'Its header cannot be parsed or its shape and type do not match the data that follows.',
  },
  npyObject: {
    code: 'MG-SCAN-122',
    severity: 'low',
    verdict: 'benign',
    title: 'NumPy object array: its data is a pickle',
    explanation:
      'np.load(allow_pickle=True) unpickles object arrays, which can run code (technique 15); the pickle was scanned.',
  },
  tooManyEntries: {
    code: 'MG-SCAN-123',
    severity: 'medium',
    verdict: 'unverified',
    title: 'The archive has more members than ModelGate checks',
    explanation: 'Members past the limit were not scanned.',
  },
  headerDisagreement: {
    code: 'MG-SCAN-124',
    severity: 'medium',
    verdict: 'suspicious',
    title: 'The two headers of a member disagree',
    explanation:
      'Local header and directory give different methods, sizes or flags; loaders and scanners reading different headers see different data (technique 39).',
  },
  unreferencedData: {
    code: 'MG-SCAN-125',
    severity: 'low',
    verdict: 'suspicious',
    title: 'The archive contains bytes that no member uses',
    explanation: 'Hidden bytes between or after members can carry a second file (a polyglot).',
  },
  linkEntry: {
    code: 'MG-SCAN-126',
    severity: 'medium',
    verdict: 'suspicious',
    title: 'The archive contains a link',
    explanation: 'A symbolic or hard link in an archive can redirect extraction outside the target folder.',
  },
  nestedFailed: {
    code: 'MG-SCAN-127',
    severity: 'medium',
    verdict: 'unverified',
    title: 'A member could not be scanned',
    explanation: 'The scan of this member failed, so the file cannot be called safe.',
  },
  trailingData: {
    code: 'MG-SCAN-128',
    severity: 'low',
    verdict: 'suspicious',
    title: 'Bytes follow the end of the content',
    explanation: 'Data after the end of the archive or stream is ignored by the loader but can carry a second file.',
  },
  legacyUnreadable: {
    code: 'MG-SCAN-129',
    severity: 'medium',
    verdict: 'unverified',
    title: 'The legacy PyTorch pickle stream could not be walked',
    explanation: 'The boundaries between its pickles could not be found; the rest of the stream was scanned as one.',
  },
  linkOutside: {
    code: 'MG-SCAN-130',
    severity: 'critical',
    verdict: 'malicious',
    title: 'The archive links to a file outside the model',
    explanation:
      'A link whose target is an absolute path or climbs out with ".." makes a loader read (or an extractor write) a file elsewhere on the machine, such as /etc/passwd as "weights".',
    reference: 'https://nvd.nist.gov/vuln/detail/CVE-2024-27318',
  },
  storedSizeMismatch: {
    code: 'MG-SCAN-131',
    severity: 'medium',
    verdict: 'invalid',
    title: 'An uncompressed archive member declares a size it does not have',
    explanation:
      'A stored (uncompressed) member must be as long as its data; a different declared size makes loaders read past the member or allocate huge buffers.',
  },
  inflateRatio: {
    code: 'MG-SCAN-132',
    severity: 'medium',
    verdict: 'unverified',
    title: 'A compressed member expands far more than real model data does',
    explanation:
      'Its output grew past the compression-ratio limit (a decompression bomb, or data that is nearly all one byte), so unpacking stopped and the member was not checked.',
  },
  sparseMember: {
    code: 'MG-SCAN-133',
    severity: 'medium',
    verdict: 'unverified',
    title: 'The archive holds a sparse file',
    explanation:
      'A GNU sparse member is rebuilt by the extractor from pieces and holes; ModelGate scanned the stored pieces but not the file the loader rebuilds from them.',
  },
} as const satisfies Record<string, ContainerCodeInfo>;

export type ContainerCode = keyof typeof CONTAINER_CODES;

/** Builds a finding from the catalog; `member` is the full path ("model.zip!archive/data.pkl"). */
export function containerFinding(
  key: ContainerCode,
  detail: string,
  extra: Pick<ScanFinding, 'member' | 'offset' | 'evidence'> = {},
): ScanFinding {
  const info: ContainerCodeInfo = CONTAINER_CODES[key];
  const finding: ScanFinding = { code: info.code, severity: info.severity, title: info.title, detail, ...extra };
  if (info.reference) finding.reference = info.reference;
  return finding;
}

/** "outer.zip!inner/data.pkl": findings name members from the top file down. */
export function memberPath(ctx: ScanContext, source: ByteSource, name?: string): string {
  const base = ctx.memberPath || source.name;
  return name === undefined ? base : `${base}!${name}`;
}
