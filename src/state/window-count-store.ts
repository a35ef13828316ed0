/**
 * Where drift counts live: per window, a flat map of named counters that several instances add
 * to. Every update covers one contiguous range of offsets of one source partition, and the store
 * keeps a fence per partition (the last offset applied). An update is applied only when its
 * whole range lies above the fence, so applied ranges never overlap and no record is counted
 * twice, whatever the number of instances, the partition assignment, the restarts, or a zombie
 * instance flushing late after its partitions moved on:
 *
 * - `replayed`: the range ends at or below the fence (a restart re-read records already applied);
 * - `overlap`: the range starts at or below the fence but ends above it (another instance applied
 *   part of it); the sender drops its counts for that partition and re-reads from the fence.
 *
 * Two implementations share one contract: in memory for a single process, Redis for a fleet.
 * Windows expire a fixed time after their last update, so old windows do not pile up.
 */
import type { Redis } from 'ioredis';

export interface CountUpdate {
  /**
   * The source partition the counted records came from, and the first and last offset of the
   * contiguous range the update covers (every record in it was read; bad ones count nowhere).
   */
  readonly source: {
    readonly topic: string;
    readonly partition: number;
    readonly firstOffset: number;
    readonly lastOffset: number;
  };
  /** Counter increments per window key (e.g. `fraud@1/…/2026-11-23T10:05:00.000Z`). */
  readonly windows: ReadonlyMap<string, ReadonlyMap<string, number>>;
}

export type CountUpdateOutcome = 'applied' | 'replayed' | 'overlap';

export interface CountUpdateResult {
  readonly outcome: CountUpdateOutcome;
  /** The partition's fence after the call: the last applied offset, or -1. */
  readonly appliedOffset: number;
}

export interface WindowCountStore {
  /** Applies the update if its range lies wholly above the partition's fence (see above). */
  add(update: CountUpdate): Promise<CountUpdateResult>;
  /** Counters of one window (empty when none, or expired). */
  read(window: string): Promise<Map<string, number>>;
  /** The last applied offset of a source partition, or -1. */
  appliedOffset(topic: string, partition: number): Promise<number>;
  close(): Promise<void>;
}

const sourceField = (topic: string, partition: number) => `${topic}/${partition}`;

function fenceOutcome(
  applied: number,
  { firstOffset, lastOffset }: CountUpdate['source'],
): CountUpdateOutcome {
  if (applied >= lastOffset) return 'replayed';
  return applied >= firstOffset ? 'overlap' : 'applied';
}

export interface MemoryWindowCountStoreOptions {
  /** Windows expire this long after their last update; 0 keeps them. */
  readonly windowTtlSeconds: number;
  /** Clock in epoch milliseconds (tests pass a fake one). */
  readonly now?: () => number;
}

export function createMemoryWindowCountStore(
  options: MemoryWindowCountStoreOptions = { windowTtlSeconds: 0 },
): WindowCountStore {
  const now = options.now ?? Date.now;
  const ttlMs = options.windowTtlSeconds * 1000;
  const windows = new Map<string, { counters: Map<string, number>; expiresAt: number }>();
  const applied = new Map<string, number>();
  let nextSweepAt = 0;
  // Expired windows are dropped now and then, so memory follows the live windows only.
  const sweep = (time: number) => {
    if (ttlMs === 0 || time < nextSweepAt) return;
    for (const [window, stored] of windows) if (stored.expiresAt <= time) windows.delete(window);
    nextSweepAt = time + ttlMs / 4;
  };
  return {
    async add(update) {
      const { source } = update;
      const field = sourceField(source.topic, source.partition);
      const fence = applied.get(field) ?? -1;
      const outcome = fenceOutcome(fence, source);
      if (outcome !== 'applied') return { outcome, appliedOffset: fence };
      const time = now();
      sweep(time);
      for (const [window, counters] of update.windows) {
        const stored = windows.get(window);
        const live = stored !== undefined && (ttlMs === 0 || stored.expiresAt > time);
        const sums = live ? stored.counters : new Map<string, number>();
        for (const [name, value] of counters) sums.set(name, (sums.get(name) ?? 0) + value);
        windows.set(window, { counters: sums, expiresAt: ttlMs === 0 ? Infinity : time + ttlMs });
      }
      applied.set(field, source.lastOffset);
      return { outcome, appliedOffset: source.lastOffset };
    },
    async read(window) {
      const stored = windows.get(window);
      if (stored === undefined || stored.expiresAt <= now()) return new Map();
      return new Map(stored.counters);
    },
    async appliedOffset(topic, partition) {
      return applied.get(sourceField(topic, partition)) ?? -1;
    },
    async close() {},
  };
}

/**
 * One Lua script applies all of an update atomically: check the partition's fence, add every
 * counter, move the fence. KEYS = [offsets hash, ...window hashes]; ARGV = [source field,
 * first offset, last offset, ttl seconds, then per window: its counter count and name/value
 * pairs]. Returns [outcome (0 applied, 1 replayed, 2 overlap), fence after the call].
 */
const ADD_SCRIPT = `
local applied = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '-1')
local first = tonumber(ARGV[2])
local last = tonumber(ARGV[3])
if applied >= last then return {1, applied} end
if applied >= first then return {2, applied} end
local ttl = tonumber(ARGV[4])
local arg = 5
for k = 2, #KEYS do
  local pairs = tonumber(ARGV[arg])
  arg = arg + 1
  for _ = 1, pairs do
    redis.call('HINCRBYFLOAT', KEYS[k], ARGV[arg], ARGV[arg + 1])
    arg = arg + 2
  end
  if ttl > 0 then redis.call('EXPIRE', KEYS[k], ttl) end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return {0, last}
`;

const SCRIPT_OUTCOMES: readonly CountUpdateOutcome[] = ['applied', 'replayed', 'overlap'];

export interface RedisWindowCountStoreOptions {
  readonly redis: Redis;
  /** Prefix of every key, e.g. `streamscore:drift:fraud-scoring`. */
  readonly keyPrefix: string;
  /** Windows expire this long after their last update; 0 keeps them. */
  readonly windowTtlSeconds: number;
}

export function createRedisWindowCountStore(
  options: RedisWindowCountStoreOptions,
): WindowCountStore {
  const { redis, keyPrefix, windowTtlSeconds } = options;
  const offsetsKey = `${keyPrefix}:offsets`;
  const windowKey = (window: string) => `${keyPrefix}:window:${window}`;
  return {
    async add({ source, windows }) {
      const keys = [offsetsKey];
      const args: (string | number)[] = [
        sourceField(source.topic, source.partition),
        source.firstOffset,
        source.lastOffset,
        windowTtlSeconds,
      ];
      for (const [window, counters] of windows) {
        keys.push(windowKey(window));
        args.push(counters.size);
        for (const [name, value] of counters) args.push(name, value);
      }
      const [code, fence] = (await redis.eval(ADD_SCRIPT, keys.length, ...keys, ...args)) as [
        number,
        number,
      ];
      return { outcome: SCRIPT_OUTCOMES[code] as CountUpdateOutcome, appliedOffset: fence };
    },
    async read(window) {
      const stored = await redis.hgetall(windowKey(window));
      return new Map(Object.entries(stored).map(([name, value]) => [name, Number(value)]));
    },
    async appliedOffset(topic, partition) {
      const value = await redis.hget(offsetsKey, sourceField(topic, partition));
      return value === null ? -1 : Number(value);
    },
    async close() {
      await redis.quit();
    },
  };
}
