/**
 * The topology's `kafka.client` picks the consumer and producer of the scoring path. Both
 * clients sit behind the same `KafkaSource` and `RecordProducer`, so nothing past here knows
 * which one runs.
 */
import { StreamscoreError } from '../../errors.js';
import type { Logger } from '../../observability/index.js';
import type { KafkaConnection } from '../../topology/index.js';
import { createKafkaClient } from './kafka-client.js';
import { kafkaErrorSummary } from './kafka-errors.js';
import type { KafkaSource, KafkaSourceOptions } from './kafka-source.js';
import { createKafkajsSource } from './kafkajs-source.js';
import { createPlatformaticProducer } from './platformatic-client.js';
import { createPlatformaticSource } from './platformatic-source.js';
import { createKafkajsProducer, type RecordProducer } from './record-producer.js';

export type KafkaClientName = NonNullable<KafkaConnection['client']>;

export function createKafkaSource(
  connection: KafkaConnection,
  options: KafkaSourceOptions,
): KafkaSource {
  return connection.client === 'kafkajs'
    ? createKafkajsSource(createKafkaClient(connection, options.logger), options)
    : createPlatformaticSource(connection, options);
}

export function createRecordProducer(connection: KafkaConnection, logger: Logger): RecordProducer {
  const producer =
    connection.client === 'kafkajs'
      ? createKafkajsProducer(createKafkaClient(connection, logger))
      : createPlatformaticProducer(connection);
  return {
    ...producer,
    async connect() {
      try {
        await producer.connect();
      } catch (error) {
        // @platformatic/kafka says only "metadata failed 2 times"; the cause (refused
        // credentials, an untrusted certificate) is deep in its aggregate.
        throw new StreamscoreError(
          'BROKER_UNREACHABLE',
          `producer cannot connect to Kafka at ${connection.brokers.join(',')}: ${kafkaErrorSummary(error)}`,
          { cause: error, context: { client: connection.client ?? 'platformatic' } },
        );
      }
    },
  };
}
