export declare const ISOLATION_HEADERS: { key: string; value: string }[];
export declare const HUB_ORIGIN: string;
export declare function contentSecurityPolicy(options?: { nonce?: string; dev?: boolean; hub?: boolean }): string;
