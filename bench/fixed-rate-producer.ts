/**
 * Load at a fixed rate, as live traffic arrives: every couple of milliseconds the producer
 * sends what the schedule owes so far, round-robin over the partitions. Falling behind (a busy
 * machine) is caught up by the next tick, and the achieved rate is reported, not assumed.
 * Values come pre-encoded from a pool, so the producer costs the machine as little as it can.
 */
import type { Message, Producer } from 'kafkajs';

export interface LoadPhase {
  /** Events per second asked for. */
  readonly ratePerSecond: number;
  readonly seconds: number;
}

export interface ProducedPhase {
  /** `Date.now()` at the phase's first and after its last send: the Kafka timestamp clock. */
  readonly startedAtEpochMs: number;
  readonly endedAtEpochMs: number;
  readonly produced: number;
}

const TICK_MS = 2;
/** Sends awaiting their acknowledgement before the producer waits for one. */
const MAX_IN_FLIGHT = 32;
/**
 * Events per send: what a stalled tick owes at a high rate is sent in several requests, each
 * well under the broker's 1 MB message limit (at 45k events/s a 300 ms stall owed 13,500).
 */
const MAX_EVENTS_PER_SEND = 1_000;

export async function produceAtFixedRate(
  producer: Producer,
  target: { readonly topic: string; readonly partitions: number },
  phases: readonly LoadPhase[],
  values: readonly Buffer[],
): Promise<ProducedPhase[]> {
  const produced: ProducedPhase[] = [];
  const inFlight = new Set<Promise<unknown>>();
  let sequence = 0;
  for (const phase of phases) {
    const startedAtEpochMs = Date.now();
    const started = performance.now();
    const durationMs = phase.seconds * 1000;
    let sent = 0;
    for (;;) {
      const elapsedMs = Math.min(durationMs, performance.now() - started);
      const owed = Math.floor((phase.ratePerSecond * elapsedMs) / 1000) - sent;
      for (let left = owed; left > 0; left -= MAX_EVENTS_PER_SEND) {
        const due = Math.min(left, MAX_EVENTS_PER_SEND);
        const messages: Message[] = new Array(due);
        for (let i = 0; i < due; i++, sequence++) {
          messages[i] = {
            value: values[sequence % values.length] as Buffer,
            partition: sequence % target.partitions,
          };
        }
        sent += due;
        const sending = producer.send({ topic: target.topic, messages, acks: 1 });
        inFlight.add(sending);
        void sending.then(
          () => inFlight.delete(sending),
          () => undefined,
        );
        if (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
      }
      if (elapsedMs >= durationMs) break;
      await new Promise((resolve) => setTimeout(resolve, TICK_MS));
    }
    produced.push({ startedAtEpochMs, endedAtEpochMs: Date.now(), produced: sent });
  }
  await Promise.all(inFlight);
  return produced;
}
