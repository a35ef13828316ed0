import { Option, type Command } from 'commander';
import { runFraudDemo } from './fraud-demo.js';
import { defaultStateFilePath } from '../devstack/index.js';
import { createLogger } from '../../src/observability/index.js';
import { chosenLogLevel } from '../../src/cli/index.js';
import {
  TRANSACTION_DRIFT_PRESET_NAMES,
  type TransactionDriftPresetName,
} from '../synthetic/index.js';

/** The drift phase's default shift: amounts move by 2σ, and the fraud scores follow. */
const DEMO_DRIFT_PRESET: TransactionDriftPresetName = 'amount-shift-2sd';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'Run the reference fraud topology end to end on the local stack with a live synthetic stream that drifts',
    )
    .option('--topology <file>', 'topology to run', 'topologies/fraud.yaml')
    .option('--rate <events/s>', 'synthetic events per second', Number, 2_000)
    .option('--duration <seconds>', 'how long to produce', Number, 45)
    .option('--bad-share <share>', 'share of events sent malformed (dead-lettered)', Number, 0.001)
    .option('--partitions <n>', 'partitions of topics the demo creates', Number, 6)
    .addOption(
      new Option('--drift <preset>', 'the shift of the drift phase (none: a stationary stream)')
        .choices([...TRANSACTION_DRIFT_PRESET_NAMES, 'none'])
        .default(DEMO_DRIFT_PRESET),
    )
    .option('--drift-after <seconds>', 'stationary seconds before the drift phase', Number, 20)
    .option('--state-file <path>', 'dev stack state file', defaultStateFilePath(process.cwd()))
    .action(
      async (
        options: {
          topology: string;
          rate: number;
          duration: number;
          badShare: number;
          partitions: number;
          drift: TransactionDriftPresetName | 'none';
          driftAfter: number;
          stateFile: string;
        },
        command: Command,
      ) => {
        // The global --log-level; the engine's logs go to stderr, warnings and above by default.
        const logger = createLogger({ level: chosenLogLevel(command) ?? 'warn' }, process.stderr);
        await runFraudDemo({
          topologyFile: options.topology,
          ratePerSecond: options.rate,
          durationSeconds: options.duration,
          badShare: options.badShare,
          partitions: options.partitions,
          drift:
            options.drift === 'none'
              ? null
              : { preset: options.drift, afterSeconds: options.driftAfter },
          stateFilePath: options.stateFile,
          logger,
          print: (line) => console.log(line),
        });
      },
    );
}
