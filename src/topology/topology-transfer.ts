/**
 * A topology crosses into a worker thread of the same process by structured clone, which keeps
 * plain data but not a `Secret` (its value is a private field). On the way out each secret
 * becomes a marked plain object holding the value in clear, and on the way in a `Secret` again.
 * The marked form is for `postMessage` within one process only: never log it or write it out.
 */
import { deepFreeze, type Topology } from './compile-topology.js';
import { Secret } from './secret.js';

const SECRET_MARK = 'streamscore.secret';

/** A topology as plain, structured-clone-safe data, secrets included in clear. */
export interface TopologyForThread {
  readonly data: unknown;
}

export function topologyForThread(topology: Topology): TopologyForThread {
  return {
    data: mapTree(
      topology,
      (value) => value instanceof Secret && { [SECRET_MARK]: value.reveal() },
    ),
  };
}

export function topologyFromThread(transferred: TopologyForThread): Topology {
  const topology = mapTree(transferred.data, (value) => {
    const secret = (value as Record<string, unknown>)[SECRET_MARK];
    return typeof secret === 'string' && new Secret(secret);
  });
  return deepFreeze(topology as Topology);
}

/** Copies a tree of plain objects and arrays, replacing each node `replace` returns a value for. */
function mapTree(value: unknown, replace: (node: object) => unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const replaced = replace(value);
  if (replaced !== false) return replaced;
  if (Array.isArray(value)) return value.map((item) => mapTree(item, replace));
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => [key, mapTree(child, replace)]),
  );
}
