/**
 * Where drift counts live: per window, a flat map of named counters that several instances add
 * to. Adding is fenced by the source offset of each input partition, so a replay after a crash
 * (events at or below an offset already applied) changes nothing: counts stay exact whatever
 * the number of instances, the partition assignment or the restarts.
 *
 * Two implementations share one contract: in memory for a single process, Redis for a fleet.
 */
import type { Redis } from 'ioredis';

export interface CountUpdate {
  /** The input partition the counted events came from, and the last offset among them. */
  readonly source: {
    readonly topic: string;
    readonly partition: number;
    readonly lastOffset: number;
  };
  /** Counter increments per window key (e.g. `fraud@1/2026-11-23T10:05Z`). */
  readonly windows: ReadonlyMap<string, ReadonlyMap<string, number>>;
}

export interface WindowCountStore {
  /** Applies the update unless its offset was already applied; true when applied. */
  add(update: CountUpdate): Promise<boolean>;
  /** Counters of one window (empty when none). */
  read(window: string): Promise<Map<string, number>>;
  /** The last applied offset of a source partition, or -1. */
  appliedOffset(topic: string, partition: number): Promise<number>;
  close(): Promise<void>;
}

const sourceField = (topic: string, partition: number) => `${topic}/${partition}`;

export function createMemoryWindowCountStore(): WindowCountStore {
  const windows = new Map<string, Map<string, number>>();
  const applied = new Map<string, number>();
  return {
    async add({ source, windows: increments }) {
      const field = sourceField(source.topic, source.partition);
      if ((applied.get(field) ?? -1) >= source.lastOffset) return false;
      for (const [window, counters] of increments) {
        const stored = windows.get(window) ?? new Map<string, number>();
        for (const [name, value] of counters) stored.set(name, (stored.get(name) ?? 0) + value);
        windows.set(window, stored);
      }
      applied.set(field, source.lastOffset);
      return true;
    },
    async read(window) {
      return new Map(windows.get(window));
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
 * last offset, ttl seconds, then per window: its counter count and name/value pairs].
 */
const ADD_SCRIPT = `
local applied = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '-1')
local last = tonumber(ARGV[2])
if applied >= last then return 0 end
local ttl = tonumber(ARGV[3])
local arg = 4
for k = 2, #KEYS do
  local pairs = tonumber(ARGV[arg])
  arg = arg + 1
  for _ = 1, pairs do
    redis.call('HINCRBYFLOAT', KEYS[k], ARGV[arg], ARGV[arg + 1])
    arg = arg + 2
  end
  if ttl > 0 then redis.call('EXPIRE', KEYS[k], ttl) end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
`;

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
        source.lastOffset,
        windowTtlSeconds,
      ];
      for (const [window, counters] of windows) {
        keys.push(windowKey(window));
        args.push(counters.size);
        for (const [name, value] of counters) args.push(name, value);
      }
      const applied = await redis.eval(ADD_SCRIPT, keys.length, ...keys, ...args);
      return applied === 1;
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
