/**
 * The entry of the development tools: the CLI (src/cli/tool-commands.ts) loads this file when it
 * is there, in a checkout, and registers these commands after the product's own.
 */
import { registerBenchCommand } from '../bench/bench-command.js';
import type { ToolCommandsModule } from '../src/cli/index.js';
import { registerDemoCommand } from './demo/demo-command.js';
import { registerDevCommand } from './devstack/dev-command.js';
import { registerGenerateCommand } from './synthetic/generate-command.js';

export const registerToolCommands: ToolCommandsModule['registerToolCommands'] = (program) => {
  registerDemoCommand(program);
  registerGenerateCommand(program);
  registerDevCommand(program);
  registerBenchCommand(program);
};
