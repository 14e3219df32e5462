/**
 * A structural problem in a file, found by a reader. Readers throw it; scanners turn it into an
 * "invalid" verdict whose reason is `message` (plain words naming the problem) and whose offset is kept.
 */
export class FormatError extends Error {
  constructor(
    message: string,
    readonly offset?: number,
    /** A reader-specific tag ("header-too-large", "length-exceeds-file" …) so scanners pick the finding code. */
    readonly kind?: string,
  ) {
    super(message);
    this.name = 'FormatError';
  }
}

/** Where a reader gave up because the layout is outside what it implements: "unverified", never benign. */
export class UnsupportedLayoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedLayoutError';
  }
}
