/**
 * End-to-end latency per event: each output record names its input record (source partition
 * and offset headers), and the latency is the output's Kafka timestamp (LogAppendTime: when the
 * broker appended it) minus the input's (CreateTime: when the load producer sent it). Both come
 * from the one machine's clock. Events are grouped into load phases by their input timestamp.
 */
import { summarizeLatencies, type LatencySummary } from './statistics.js';

export interface LatencyJoin {
  /** Remembers an input record's timestamp. */
  addInput(partition: number, offset: number, timestampMs: number): void;
  /** Joins an output record to its input; false when no input record matches. */
  addOutput(sourcePartition: number, sourceOffset: number, timestampMs: number): boolean;
  /** Latency summaries per phase, phases given by their start times (epoch ms, ascending). */
  summarize(): LatencySummary[];
}

export function createLatencyJoin(phaseStartsEpochMs: readonly number[]): LatencyJoin {
  const inputTimestamps = new Map<number, number[]>();
  const byPhase: number[][] = phaseStartsEpochMs.map(() => []);
  const phaseOf = (timestampMs: number): number => {
    let phase = -1;
    for (let i = 0; i < phaseStartsEpochMs.length; i++) {
      if (timestampMs >= (phaseStartsEpochMs[i] as number)) phase = i;
    }
    return phase;
  };
  return {
    addInput(partition, offset, timestampMs) {
      let timestamps = inputTimestamps.get(partition);
      if (timestamps === undefined) {
        timestamps = [];
        inputTimestamps.set(partition, timestamps);
      }
      timestamps[offset] = timestampMs;
    },
    addOutput(sourcePartition, sourceOffset, timestampMs) {
      const inputTimestamp = inputTimestamps.get(sourcePartition)?.[sourceOffset];
      if (inputTimestamp === undefined) return false;
      const phase = phaseOf(inputTimestamp);
      if (phase >= 0) byPhase[phase]?.push(timestampMs - inputTimestamp);
      return true;
    },
    summarize() {
      return byPhase.map((latencies) => summarizeLatencies(Float64Array.from(latencies)));
    },
  };
}
