/** What the user asked the verification to compare against (the options panel of the Verify page). */
export interface VerifyPageOptions {
  /** PEM of the publisher's public key, for a model.sig signed with a private key. */
  publicKeyPem: string;
  /** PEM certificates of trusted CAs, for a model.sig signed with a certificate chain. */
  caPem: string;
  /** A signature kept apart from the folder; by default the folder's own model.sig is used. */
  signatureFile: File | null;
  /** Sigstore keyless: the trusted root (trusted_root.json text) and the signer identity policy. */
  trustedRootJson: string;
  identity: string;
  issuer: string;
  ignoreUnsigned: boolean;
  /** Paths to leave out of the signature check (model_signing --ignore-paths), one per line or comma. */
  ignorePaths: string;
  hubRepo: string;
  hubRevision: string;
}

export const NO_OPTIONS: VerifyPageOptions = {
  publicKeyPem: '',
  caPem: '',
  signatureFile: null,
  trustedRootJson: '',
  identity: '',
  issuer: '',
  ignoreUnsigned: false,
  ignorePaths: '',
  hubRepo: '',
  hubRevision: '',
};

export function ignorePathList(options: VerifyPageOptions): string[] {
  return options.ignorePaths
    .split(/[\n,]/)
    .map((p) => p.trim())
    .filter(Boolean);
}
