import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { topologyJsonSchema } from '../topology/index.js';

export function registerSchemaCommand(program: Command): void {
  program
    .command('schema')
    .description('Print the topology JSON Schema (checked in as schemas/topology.schema.json)')
    .option('--out <file>', 'write it to a file instead of stdout')
    .action(async (options: { out?: string }) => {
      const text = `${JSON.stringify(topologyJsonSchema(), null, 2)}\n`;
      if (options.out === undefined) process.stdout.write(text);
      else await writeFile(options.out, text);
    });
}
