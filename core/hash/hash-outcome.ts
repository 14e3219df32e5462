/** What hashing one file produced: its digests, or why there are none. */
export type HashOutcome =
  | { path: string; size: number; sha256: string; gitSha1?: string }
  | { path: string; size: number; error: { kind: 'unreadable' | 'changed' | 'cancelled'; message: string } };
