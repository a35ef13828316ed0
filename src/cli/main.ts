import { Command } from 'commander';
import { configureCommandLine, runCommandLine } from './command-line.js';
import { registerDriftCommand } from './drift-command.js';
import { registerModelCommand } from './model-command.js';
import { registerProduceCommand } from './produce-command.js';
import { registerProfileCommand } from './profile-command.js';
import { registerRunCommand } from './run-command.js';
import { registerSchemaCommand } from './schema-command.js';
import { registerToolCommands } from './tool-commands.js';
import { registerTopicsCommand } from './topics-command.js';
import { registerValidateCommand } from './validate-command.js';

const program = configureCommandLine(
  new Command('streamscore').description(
    'Kafka-native scoring engine: ONNX models on live event streams',
  ),
);

// Each command registers itself; imported here so this file is the CLI's table of contents.
const commands: Array<(program: Command) => void> = [
  registerRunCommand,
  registerValidateCommand,
  registerModelCommand,
  registerProfileCommand,
  registerDriftCommand,
  registerTopicsCommand,
  registerProduceCommand,
  registerSchemaCommand,
];

for (const register of commands) register(program);
await registerToolCommands(program);

await runCommandLine(program, process.argv);
