/**
 * The entry of the development tools: the CLI (src/cli/tool-commands.ts) loads this file when it
 * is there, in a checkout, and registers these commands after the product's own.
 */
import { registerBenchCommand } from '../bench/index.js';
import type { ToolCommandsModule } from '../src/cli/index.js';
import { registerDemoCommand } from './demo/index.js';
import { registerDevCommand } from './devstack/index.js';
import { registerGenerateCommand } from './synthetic/index.js';

export const registerToolCommands: ToolCommandsModule['registerToolCommands'] = (program) => {
  registerDemoCommand(program);
  registerGenerateCommand(program);
  registerDevCommand(program);
  registerBenchCommand(program);
};
