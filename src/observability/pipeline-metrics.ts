import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * The scoring pipeline's Prometheus metrics. Help texts are written for the person on call;
 * labels stay low-cardinality (topology, model, reason, partition).
 */
export interface PipelineMetrics {
  readonly eventsConsumed: Counter<'topology'>;
  readonly eventsScored: Counter<'topology' | 'model'>;
  readonly eventsDeadLettered: Counter<'topology' | 'reason'>;
  readonly batchSize: Histogram<'topology'>;
  readonly queueDepth: Gauge<'topology'>;
  readonly inferenceSeconds: Histogram<'topology' | 'model'>;
  readonly endToEndSeconds: Histogram<'topology'>;
  readonly stageSeconds: Histogram<'topology' | 'stage'>;
  readonly consumerLag: Gauge<'topology' | 'topic' | 'partition'>;
  readonly pausedPartitions: Gauge<'topology'>;
  readonly commits: Counter<'topology' | 'outcome'>;
  readonly modelInfo: Gauge<'topology' | 'model' | 'version' | 'provider'>;
}

export function createPipelineMetrics(registry: Registry): PipelineMetrics {
  const registers = [registry];
  return {
    eventsConsumed: new Counter({
      name: 'streamscore_events_consumed_total',
      help: 'Events read from the input topic (including those later dead-lettered).',
      labelNames: ['topology'],
      registers,
    }),
    eventsScored: new Counter({
      name: 'streamscore_events_scored_total',
      help: 'Events scored and acknowledged by the output topic.',
      labelNames: ['topology', 'model'],
      registers,
    }),
    eventsDeadLettered: new Counter({
      name: 'streamscore_events_dead_lettered_total',
      help: 'Events written to the dead-letter topic, by reason. A rising rate usually means a producer changed its event format.',
      labelNames: ['topology', 'reason'],
      registers,
    }),
    batchSize: new Histogram({
      name: 'streamscore_batch_size_events',
      help: 'Events per inference batch. Near maxBatchSize: saturated; near 1: latency-bound by maxDelayMs.',
      labelNames: ['topology'],
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096],
      registers,
    }),
    queueDepth: new Gauge({
      name: 'streamscore_queue_depth_events',
      help: 'Events accepted and not yet acknowledged downstream. At maxQueuedEvents the input partitions pause.',
      labelNames: ['topology'],
      registers,
    }),
    inferenceSeconds: new Histogram({
      name: 'streamscore_inference_duration_seconds',
      help: 'Time to score one batch, including any wait for a free inference worker.',
      labelNames: ['topology', 'model'],
      buckets: [
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
      ],
      registers,
    }),
    endToEndSeconds: new Histogram({
      name: 'streamscore_end_to_end_latency_seconds',
      help: "From the input record's Kafka timestamp to the output topic's acknowledgement.",
      labelNames: ['topology'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    stageSeconds: new Histogram({
      name: 'streamscore_stage_duration_seconds',
      help: "Where a batch's time goes, once per batch, for its first event: fetch (Kafka timestamp to taken from a fetch), batch_fill (waiting for the batch to close), inference (to the model's answer, with any wait for a worker), output (scored to acknowledged by the output topic). The four add up to that event's end-to-end latency.",
      labelNames: ['topology', 'stage'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    consumerLag: new Gauge({
      name: 'streamscore_consumer_lag_events',
      help: 'Events in the input partition not yet fetched, at the last fetch (high watermark − next offset).',
      labelNames: ['topology', 'topic', 'partition'],
      registers,
    }),
    pausedPartitions: new Gauge({
      name: 'streamscore_paused_partitions',
      help: 'Input partitions paused because the batcher queue is full (backpressure).',
      labelNames: ['topology'],
      registers,
    }),
    commits: new Counter({
      name: 'streamscore_offset_commits_total',
      help: 'Offset commits to the consumer group, by outcome.',
      labelNames: ['topology', 'outcome'],
      registers,
    }),
    modelInfo: new Gauge({
      name: 'streamscore_model_info',
      help: 'The model being served (value 1), with its version and execution provider.',
      labelNames: ['topology', 'model', 'version', 'provider'],
      // Every scoring thread serves the same model: /metrics shows it once, not summed.
      aggregator: 'max',
      registers,
    }),
  };
}
