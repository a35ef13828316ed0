/**
 * How `streamscore run` ends. The first SIGTERM/SIGINT starts a drain bounded by the stop
 * deadline; a second is acknowledged and ignored (orchestrators and impatient terminals send
 * two); a third forces the exit at once. The exit code tells a supervisor what happened:
 *
 * - 0: stopped on a signal with every accepted event finished and committed;
 * - 1: a part failed (consumer gone for good, output path halted, drift thread died) or the
 *   shutdown itself failed: restart it;
 * - 3: stopped at the deadline with events unfinished (they are read again after a restart);
 * - 128 + signal number: forced by a third signal (nothing is committed beyond what was).
 */
import { constants } from 'node:os';
import type { Logger } from '../observability/index.js';

export const EXIT_CODE = { stopped: 0, failed: 1, unfinished: 3 } as const;

/** Share of the deadline allowed past it before the process exits whatever is left. */
const DEADLINE_TOLERANCE = 0.1;

export interface GracefulShutdownOptions {
  /** Stops the service within `deadlineMs`; resolves with the events left unfinished. */
  readonly stop: (deadlineMs: number) => Promise<{ readonly unfinished: number }>;
  readonly deadlineMs: number;
  readonly logger: Logger;
  readonly exit: (code: number) => void;
}

export interface GracefulShutdown {
  /** A termination signal arrived. */
  onSignal(signal: NodeJS.Signals): void;
  /** A part failed: stop like on a signal, and exit 1 whatever the drain finishes. */
  onFailure(reason: string, error?: unknown): void;
}

export function createGracefulShutdown(options: GracefulShutdownOptions): GracefulShutdown {
  const { logger, deadlineMs } = options;
  let signals = 0;
  let draining = false;
  let exited = false;
  let failed = false;

  const exit = (code: number) => {
    if (exited) return;
    exited = true;
    options.exit(code);
  };

  function drain(reason: string): void {
    if (draining) return;
    draining = true;
    logger.info({ reason, deadlineMs }, 'shutting down: finishing in-flight events');
    // The stop keeps its deadline; this only catches a part that does not.
    const watchdog = setTimeout(
      () => {
        logger.error(
          { deadlineMs },
          'shutdown overran its deadline; exiting with events unfinished',
        );
        exit(failed ? EXIT_CODE.failed : EXIT_CODE.unfinished);
      },
      Math.round(deadlineMs * (1 + DEADLINE_TOLERANCE)),
    );
    watchdog.unref();
    options.stop(deadlineMs).then(
      ({ unfinished }) => {
        clearTimeout(watchdog);
        if (failed) exit(EXIT_CODE.failed);
        else if (unfinished > 0) {
          logger.warn(
            { unfinished },
            'stopped with events unfinished; they are read again after a restart',
          );
          exit(EXIT_CODE.unfinished);
        } else exit(EXIT_CODE.stopped);
      },
      (error: unknown) => {
        clearTimeout(watchdog);
        logger.error({ err: error }, 'shutdown failed');
        exit(EXIT_CODE.failed);
      },
    );
  }

  return {
    onSignal(signal) {
      signals++;
      if (signals === 1) {
        drain(signal);
      } else if (signals === 2) {
        logger.warn(
          { signal, deadlineMs },
          'already shutting down: draining until the deadline; send it once more to force the exit',
        );
      } else {
        logger.error({ signal }, 'forced exit: in-flight events are left unfinished');
        exit(128 + (constants.signals[signal] ?? 0));
      }
    },
    onFailure(reason, error) {
      failed = true;
      logger.error(
        { reason, err: error },
        'a part failed; stopping so that a supervisor restarts it',
      );
      drain(reason);
    },
  };
}
