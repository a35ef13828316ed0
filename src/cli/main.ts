import { Command } from 'commander';
import { isStreamscoreError } from '../errors.js';
import { registerBenchCommand } from './bench-command.js';
import { registerDemoCommand } from './demo-command.js';
import { registerDevCommand } from './dev-command.js';
import { registerDriftCommand } from './drift-command.js';
import { registerGenerateCommand } from './generate-command.js';
import { registerProduceCommand } from './produce-command.js';
import { registerProfileCommand } from './profile-command.js';
import { registerRunCommand } from './run-command.js';
import { registerSchemaCommand } from './schema-command.js';
import { registerTopicsCommand } from './topics-command.js';
import { registerValidateCommand } from './validate-command.js';

const program = new Command('streamscore')
  .description('Kafka-native scoring engine: ONNX models on live event streams')
  .showHelpAfterError();

// Each command registers itself; imported here so this file is the CLI's table of contents.
const commands: Array<(program: Command) => void> = [
  registerRunCommand,
  registerDemoCommand,
  registerValidateCommand,
  registerGenerateCommand,
  registerProfileCommand,
  registerDriftCommand,
  registerTopicsCommand,
  registerProduceCommand,
  registerDevCommand,
  registerBenchCommand,
  registerSchemaCommand,
];

for (const register of commands) register(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (isStreamscoreError(error)) {
    console.error(`streamscore: ${error.message}`);
    process.exitCode = 1;
  } else {
    throw error;
  }
}
