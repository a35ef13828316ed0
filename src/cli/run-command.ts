import type { Command } from 'commander';
import { createScoringService } from '../engine/index.js';
import { createLogger } from '../observability/index.js';
import { loadTopology } from '../topology/index.js';

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('Score the topology’s input topic until SIGTERM/SIGINT')
    .argument('<topology>', 'topology file')
    .option(
      '--http-port <port>',
      'port of /metrics, /healthz, /readyz (overrides the topology)',
      Number,
    )
    .option(
      '--stop-timeout-ms <ms>',
      'how long shutdown may take to finish in-flight events',
      Number,
      30_000,
    )
    .action(async (file: string, options: { httpPort?: number; stopTimeoutMs: number }) => {
      const topology = await loadTopology(file);
      const logger = createLogger({ level: topology.observability.logLevel }).child({
        topology: topology.name,
      });
      const service = createScoringService({ topology, logger, httpPort: options.httpPort });
      let stopping = false;
      const shutdown = (signal: string) => {
        if (stopping) return;
        stopping = true;
        logger.info({ signal }, 'shutting down');
        service.stop(options.stopTimeoutMs).then(
          () => process.exit(0),
          (error: unknown) => {
            logger.error({ err: error }, 'shutdown failed');
            process.exit(1);
          },
        );
      };
      process.once('SIGTERM', () => shutdown('SIGTERM'));
      process.once('SIGINT', () => shutdown('SIGINT'));
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
