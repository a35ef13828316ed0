/**
 * The development tools — `dev` (a local Kafka and Redis), `generate` (synthetic events), `demo`
 * and `bench` — live outside the product, in tools/ and bench/, and are built beside it in a
 * checkout of the repository. The published package carries only the engine: there each tool
 * command is still listed, and says where it runs.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { StreamscoreError } from '../errors.js';

export const TOOL_COMMANDS = ['dev', 'generate', 'demo', 'bench'] as const;

/** What tools/tool-commands.ts exports: the CLI loads it only when it is there. */
export interface ToolCommandsModule {
  registerToolCommands(program: Command): void;
}

/** tools/ beside src/ in a checkout, dist/tools beside dist/src once built. */
const TOOL_COMMANDS_URL = new URL('../../tools/tool-commands.js', import.meta.url);

/** Registers the tool commands from `from`, or where it is absent one that explains each. */
export async function registerToolCommands(
  program: Command,
  from: URL = TOOL_COMMANDS_URL,
): Promise<void> {
  // Checked up front: a missing import inside the tools must fail as itself, not as "no tools".
  if (existsSync(fileURLToPath(from))) {
    const tools = (await import(from.href)) as ToolCommandsModule;
    tools.registerToolCommands(program);
    return;
  }
  for (const name of TOOL_COMMANDS) {
    program
      .command(name)
      .description('development tool: runs from a checkout of the repository')
      .helpOption(false)
      .allowUnknownOption()
      .allowExcessArguments()
      .action(() => {
        throw new StreamscoreError(
          'USAGE',
          `streamscore ${name} is a development tool that the installed package does not carry: run it from a clone of the repository (npm ci, then npm run build)`,
        );
      });
  }
}
