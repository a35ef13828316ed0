/**
 * A lease in Redis that at most one process holds at a time, for a job the fleet must do once
 * (the drift evaluator: N instances evaluating would page N times).
 *
 * - Every `renewEveryMs` a process sends one atomic step: take the key if it is free
 *   (`SET key holder NX PX ttl`), reset its expiry if it is already this holder's, refuse
 *   otherwise. On stop the holder steps down, then deletes the key if it is still its own, so
 *   another process takes over within one `renewEveryMs`; a holder that died is replaced once
 *   its key expires (within `ttlMs` + `renewEveryMs`).
 * - The holder counts its term from the moment it *sent* the command that granted it, so its
 *   own idea of the term ends before the key can expire in Redis. When renewals fail (Redis
 *   unreachable, a long pause) it steps down at the end of that term, before anyone else can
 *   take the key: two holders never act at once, as long as the clocks tick at the same rate.
 * - The end of the term is watched by a local timer, not by the renewals, so the holder steps
 *   down on time even when Redis hangs and no answer ever comes. An attempt unanswered after
 *   `renewEveryMs` counts as failed and the next one goes out on schedule; an answer that comes
 *   later is ignored (it can only have extended the key in Redis, never the holder's term).
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../observability/index.js';

/** The answer to one attempt to take or renew the lease. */
export type LeaseAnswer = 'granted' | 'refused' | 'failed';

/** A holder's own view of its term: pure bookkeeping, times in milliseconds. */
export interface LeaseTerm {
  /**
   * Records the answer to an attempt sent at `sentAtMs`: granted extends the term to
   * `sentAtMs + ttlMs`, refused (another process holds the key) ends it, failed (no answer)
   * leaves it to run out.
   */
  record(answer: LeaseAnswer, sentAtMs: number): void;
  /** Ends the term now (the holder resigns). */
  end(): void;
  heldAt(nowMs: number): boolean;
  /** When the term runs out unless renewed; undefined when not held. */
  endsAtMs(): number | undefined;
}

export function createLeaseTerm(ttlMs: number): LeaseTerm {
  let endsAt: number | undefined;
  return {
    record(answer, sentAtMs) {
      if (answer === 'granted') endsAt = sentAtMs + ttlMs;
      else if (answer === 'refused') endsAt = undefined;
    },
    end() {
      endsAt = undefined;
    },
    heldAt: (nowMs) => endsAt !== undefined && nowMs < endsAt,
    endsAtMs: () => endsAt,
  };
}

/** Takes the key when free, renews it when it is this holder's: 1 granted, 0 refused. */
const HOLD_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if current == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0
`;

/** Deletes the key only if it is still this holder's. */
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

export interface RedisLeaseOptions {
  readonly redis: Redis;
  readonly key: string;
  /** The key's value while held: unique per process, and tells people who holds it. */
  readonly holder: string;
  readonly ttlMs: number;
  /** How often the holder renews and the others try to take over; below `ttlMs`. */
  readonly renewEveryMs: number;
  /**
   * Told when this process starts and stops holding the lease, in turn (never overlapping):
   * `true` to start the job, `false` to stop it (resolve once it has stopped).
   */
  readonly onChange: (held: boolean) => Promise<void>;
  readonly logger: Logger;
  /** Monotonic milliseconds (default `performance.now`). */
  readonly now?: () => number;
}

export interface RedisLease {
  /** Begins trying to take the lease, at once and then every `renewEveryMs`. */
  start(): void;
  /**
   * Stops trying, steps down if holding (waiting for `onChange(false)`), and releases the key;
   * the Redis commands it waits for are bounded by `renewEveryMs` each.
   */
  stop(): Promise<void>;
}

export function createRedisLease(options: RedisLeaseOptions): RedisLease {
  const { redis, key, holder, ttlMs, renewEveryMs, onChange } = options;
  if (!(renewEveryMs > 0 && renewEveryMs < ttlMs)) {
    throw new RangeError(`renewEveryMs (${renewEveryMs}) must be in (0, ttlMs = ${ttlMs})`);
  }
  const now = options.now ?? (() => performance.now());
  const log = options.logger.child({ stage: 'lease', key });
  const term = createLeaseTerm(ttlMs);
  /** What `onChange` was last told. */
  let acting = false;
  let transitions: Promise<void> = Promise.resolve();
  let attemptTimer: NodeJS.Timeout | undefined;
  let expiryTimer: NodeJS.Timeout | undefined;
  let attempt: Promise<void> | undefined;
  let failing = false;
  let stopped = false;

  /** Tells `onChange` when the term's state differs from what it was last told. */
  const settle = (): Promise<void> => {
    const held = term.heldAt(now());
    if (held !== acting) {
      acting = held;
      log.info({ holder }, held ? 'lease taken' : 'lease given up');
      transitions = transitions
        .then(() => onChange(held))
        .catch((error: unknown) => log.error({ err: error, held }, 'lease change handler failed'));
    }
    return transitions;
  };

  /**
   * Steps down when the term runs out before a renewal lands. A timer may fire a little before
   * its delay by the `now` clock (timers count whole milliseconds on their own clock): then the
   * term still runs and the timer is armed again for the rest, until the term has ended.
   */
  const armExpiry = () => {
    clearTimeout(expiryTimer);
    expiryTimer = undefined;
    const endsAt = term.endsAtMs();
    if (endsAt === undefined || stopped) return;
    expiryTimer = setTimeout(onExpiry, Math.max(1, Math.ceil(endsAt - now())));
  };

  const onExpiry = () => {
    expiryTimer = undefined;
    if (stopped) return;
    if (term.heldAt(now())) armExpiry();
    else void settle();
  };

  const tryHold = async () => {
    const sentAtMs = now();
    let answer: LeaseAnswer;
    try {
      const granted = await answerWithin(
        redis.eval(HOLD_SCRIPT, 1, key, holder, String(ttlMs)),
        renewEveryMs,
      );
      answer = granted === 1 ? 'granted' : 'refused';
      if (failing) log.info('lease store reachable again');
      failing = false;
    } catch (error) {
      answer = 'failed';
      // One warning per failing stretch; the term runs out on its own.
      if (!failing) log.warn({ err: error }, 'lease not renewed: redis failed');
      failing = true;
    }
    term.record(answer, sentAtMs);
    // Stopping: `stop` steps down and releases whatever this answer left.
    if (stopped) return;
    armExpiry();
    await settle();
  };

  /** One attempt every `renewEveryMs`, counted from when each was sent, answered or not. */
  const loop = async () => {
    const sentAtMs = now();
    attempt = tryHold();
    await attempt;
    if (stopped) return;
    const waitMs = Math.max(0, renewEveryMs - (now() - sentAtMs));
    attemptTimer = setTimeout(() => void loop(), waitMs);
  };

  let stopping: Promise<void> | undefined;
  return {
    start() {
      if (stopped || attempt !== undefined) return;
      void loop();
    },
    stop() {
      stopping ??= (async () => {
        stopped = true;
        clearTimeout(attemptTimer);
        await attempt;
        clearTimeout(expiryTimer);
        // Step down before releasing: the next holder never overlaps with this one.
        const wasHeld = term.endsAtMs() !== undefined;
        term.end();
        await settle();
        if (!wasHeld) return;
        try {
          await answerWithin(redis.eval(RELEASE_SCRIPT, 1, key, holder), renewEveryMs);
        } catch (error) {
          log.warn({ err: error }, 'lease not released; it expires on its own');
        }
      })();
      return stopping;
    },
  };
}

/**
 * The command's answer, or a rejection once `ms` have passed without one (the command itself
 * is left to finish or time out in the client).
 */
function answerWithin<T>(command: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from redis within ${ms} ms`)), ms);
  });
  return Promise.race([command, late]).finally(() => clearTimeout(timer));
}
