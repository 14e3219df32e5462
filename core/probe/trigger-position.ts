import type { ProbeItem, TriggerSlot } from './types.ts';

/**
 * Where the trigger scan inserts a candidate into a probe item. An item's `trigger_slot` is used as written;
 * an item without one (most users' probe files have none) gets the prefix, the suffix or an interior
 * position, chosen from a hash of its id, so a set of items tries all three and the same item always gets
 * the same place. A planted trigger is placed wherever the attacker chose; a scan that only tried one place
 * would miss a trigger trained at another.
 */

export const POSITIONS: readonly TriggerSlot[] = ['prefix', 'interior', 'suffix'];

/** Seed of the position hash; part of the report's search note so a run can be repeated exactly. */
export const POSITION_SEED = 0x7219;

/** FNV-1a of the item id, mixed with the seed and finalised: stable across engines and runs. */
export function idHash(id: string): number {
  let h = (0x811c9dc5 ^ POSITION_SEED) >>> 0;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // murmur3's finaliser: FNV alone leaves the high bits of short ids that differ in one character equal.
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

export function positionOf(item: ProbeItem): TriggerSlot {
  return item.triggerSlot ?? POSITIONS[idHash(item.id) % POSITIONS.length]!;
}

/** The text the scan inserts into: a classifier's text, an LM's prompt. */
function target(item: ProbeItem): string {
  return item.kind === 'classifier' ? item.text : item.prompt;
}

/** `token` put into `text` at `position`: an interior position is after a word chosen by the id hash. */
export function insertAt(text: string, token: string, position: TriggerSlot, id: string): string {
  if (position === 'prefix') return `${token} ${text}`;
  if (position === 'suffix') return `${text} ${token}`;
  const words = text.split(' ');
  if (words.length < 2) return `${text} ${token}`;
  const after = 1 + ((idHash(id) >>> 8) % (words.length - 1));
  return [...words.slice(0, after), token, ...words.slice(after)].join(' ');
}

/** The item with `token` inserted at its position. */
export function insertTrigger(item: ProbeItem, token: string): ProbeItem {
  const text = insertAt(target(item), token, positionOf(item), item.id);
  return item.kind === 'classifier' ? { ...item, text } : { ...item, prompt: text };
}

/** Where a candidate was put, as words that read before "the text" or "N items". */
export const WHERE_INSERTED: Record<TriggerSlot | 'mixed', string> = {
  prefix: 'at the start of',
  interior: 'inside',
  suffix: 'at the end of',
  mixed: 'at the start, inside or at the end of',
};

/** One position when all items share it, else 'mixed'. */
export function slotOf(items: readonly ProbeItem[]): TriggerSlot | 'mixed' {
  const used = new Set(items.map(positionOf));
  return used.size === 1 ? [...used][0]! : 'mixed';
}

/** Plain words for the report: where candidates were put. */
export function positionNote(items: readonly ProbeItem[]): string {
  const declared = items.filter((i) => i.triggerSlot !== undefined).length;
  const hashed = items.length - declared;
  if (hashed === 0) return 'candidates were inserted at each item’s trigger_slot';
  const spread = `the prefix, an interior position or the suffix, chosen from a hash of the item id (seed ${POSITION_SEED})`;
  return declared === 0
    ? `candidates were inserted at ${spread}`
    : `candidates were inserted at the trigger_slot of ${declared} item(s) and, for ${hashed} without one, at ${spread}`;
}
