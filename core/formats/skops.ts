/**
 * Sniffer for the `schema.json` member of a skops file (skops/io/_persist.py: `dump` writes the object tree
 * of get_state as JSON, its root node first: "__class__", "__module__", "__loader__", then "protocol" and
 * "_skops_version" at the end). The ZIP scanner hands every member to the router, so the schema is
 * recognised by its content like any other file.
 */
export function looksLikeSkopsSchema(head: Uint8Array): boolean {
  const text = new TextDecoder('latin1').decode(head.subarray(0, 4096));
  return /^\s*\{\s*"__class__"\s*:\s*"[^"]{1,200}"\s*,/.test(text) && /"__loader__"\s*:\s*"\w+Node"/.test(text);
}
