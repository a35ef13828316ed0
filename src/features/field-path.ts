/**
 * Dotted field paths into decoded events (`merchant.country`, `items[0].price`), compiled once
 * per topology so that reading a field on the hot path is a loop over a few property lookups.
 */

export type FieldPath = readonly (string | number)[];

const SEGMENT = /([^.[\]]+)|\[(\d+)\]/g;

/** Parses `a.b[0].c` (an optional leading `$.` is accepted) into its segments. */
export function parseFieldPath(path: string): FieldPath {
  const body = path.startsWith('$.') ? path.slice(2) : path;
  const segments: (string | number)[] = [];
  let consumed = 0;
  for (const match of body.matchAll(SEGMENT)) {
    const [whole, name, index] = match;
    const gap = body.slice(consumed, match.index);
    if (gap !== '' && gap !== '.') throw new Error(`invalid field path "${path}"`);
    segments.push(index === undefined ? (name as string) : Number(index));
    consumed = match.index + whole.length;
  }
  if (segments.length === 0 || consumed !== body.length) {
    throw new Error(`invalid field path "${path}"`);
  }
  return segments;
}

/** The value at `path`, or `undefined` when any step is missing or not an object/array. */
export function readFieldPath(event: unknown, path: FieldPath): unknown {
  let current = event;
  for (let i = 0; i < path.length; i++) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[path[i] as string | number];
  }
  return current;
}
