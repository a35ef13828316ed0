import { Option, type Command } from 'commander';
import {
  createService,
  topologyTopics,
  type ServicePart,
  type TopicRole,
} from '../engine/index.js';
import { connectTopicAdmin } from '../io/index.js';
import { StreamscoreError } from '../errors.js';
import { createLogger, type Logger } from '../observability/index.js';
import { loadTopology, type Topology } from '../topology/index.js';
import { createGracefulShutdown } from './graceful-shutdown.js';

interface RunOptions {
  httpPort?: number;
  stopTimeoutMs: number;
  only?: ServicePart;
}

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description(
      'Score the topology’s input topic, and run its drift side stream if enabled, until SIGTERM/SIGINT',
    )
    .argument('<topology>', 'topology file')
    .option(
      '--http-port <port>',
      'port of the admin server: /metrics, /healthz, /readyz, /drift (overrides the topology)',
      Number,
    )
    .option(
      '--stop-timeout-ms <ms>',
      'how long shutdown may take to finish in-flight events (exit 3 when some are left)',
      Number,
      30_000,
    )
    .addOption(
      new Option(
        '--only <part>',
        'run only scoring, or only the drift side stream (default: scoring, plus drift when drift.enabled)',
      ).choices(['scoring', 'drift']),
    )
    .action(async (file: string, options: RunOptions) => {
      const topology = await loadTopology(file);
      if (options.only === 'drift' && !topology.drift.enabled) {
        throw new StreamscoreError(
          'TOPOLOGY_INVALID',
          `${file}: drift.enabled is false; set it to true to run --only drift`,
          { context: { file, path: 'drift.enabled' } },
        );
      }
      const logger = createLogger({ level: topology.observability.logLevel }).child({
        topology: topology.name,
      });
      await checkCluster(topology, options.only, logger);
      const shutdown = createGracefulShutdown({
        stop: (deadlineMs) => service.stop(deadlineMs),
        deadlineMs: options.stopTimeoutMs,
        logger,
        exit: (code) => process.exit(code),
      });
      const service = createService({
        topology,
        logger,
        httpPort: options.httpPort,
        ...(options.only === undefined ? {} : { parts: [options.only] }),
        // Scoring on without drift would leave alerts silently off, and a pipeline that cannot
        // go on would sit idle: stop, and let the supervisor restart the whole process.
        onFailure: (error) => shutdown.onFailure(error.message, error),
      });
      process.on('SIGTERM', () => shutdown.onSignal('SIGTERM'));
      process.on('SIGINT', () => shutdown.onSignal('SIGINT'));
      try {
        const { httpPort } = await service.start();
        logger.info({ httpPort }, 'streamscore running');
      } catch (error) {
        // Close what did start (HTTP server, session) so the process can exit with the error.
        await service.stop(1_000);
        throw error;
      }
    });
}

/**
 * Before anything starts: a broker answers within `kafka.connectTimeoutMs` and the topics this
 * process reads and writes exist, each failure one BROKER_UNREACHABLE or TOPIC_MISSING that
 * says how to fix it (the clients would otherwise retry, then end in their own stack traces).
 */
async function checkCluster(
  topology: Topology,
  only: ServicePart | undefined,
  logger: Logger,
): Promise<void> {
  const admin = await connectTopicAdmin({
    connection: topology.kafka,
    logger,
    connectTimeoutMs: topology.kafka.connectTimeoutMs,
    configuredBy: `kafka.brokers in ${topology.sourceFile}`,
  });
  try {
    // The drift sink creates its alert and retrain topics itself; drift alone reads the output.
    const required: readonly TopicRole[] =
      only === 'drift' ? ['output'] : ['input', 'output', 'dead letters'];
    const topics = topologyTopics(topology).filter(({ role }) => required.includes(role));
    await admin.requireTopics(
      topics.map(({ topic }) => topic),
      topology.sourceFile,
    );
  } finally {
    await admin.disconnect();
  }
}
