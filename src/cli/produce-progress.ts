/**
 * The progress lines of `streamscore produce`: `produced 12,000 of 36,000 events (4,000/s)`
 * each second (`of ?` when reading a stream), then one line with the totals.
 */

export interface ProduceProgress {
  /** Events acknowledged so far. */
  produced(count: number): void;
  /** The line for the interval since the previous one, with that interval's rate. */
  intervalLine(): string;
  /** The totals: how many, where, how long and how fast, or that a failure stopped it. */
  summaryLine(outcome: 'done' | 'failed'): string;
}

export interface ProduceProgressOptions {
  readonly topic: string;
  /** Events to produce, when known in advance (a file, counted first). */
  readonly total?: number;
  readonly now: () => number;
}

export function createProduceProgress(options: ProduceProgressOptions): ProduceProgress {
  const { topic, total, now } = options;
  const startedAtMs = now();
  let produced = 0;
  let lastLineAtMs = startedAtMs;
  let producedAtLastLine = 0;
  const of = total === undefined ? '?' : count(total);

  return {
    produced(value) {
      produced = value;
    },
    intervalLine() {
      const atMs = now();
      const rate = perSecond(produced - producedAtLastLine, atMs - lastLineAtMs);
      lastLineAtMs = atMs;
      producedAtLastLine = produced;
      return `produced ${count(produced)} of ${of} events (${rate})`;
    },
    summaryLine(outcome) {
      const elapsedMs = now() - startedAtMs;
      const seconds = (elapsedMs / 1000).toFixed(1);
      const what =
        outcome === 'done' ? `${count(produced)} events` : `${count(produced)} of ${of} events`;
      const end = outcome === 'done' ? '' : '; then it failed';
      return `produced ${what} to ${topic} in ${seconds} s (${perSecond(produced, elapsedMs)})${end}`;
    },
  };
}

function perSecond(events: number, elapsedMs: number): string {
  return `${elapsedMs <= 0 ? '-' : count(Math.round((events * 1000) / elapsedMs))}/s`;
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}
