import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import {
  replaceTopologyReference,
  topologyJsonSchema,
  topologyReferenceMarkdown,
} from '../topology/index.js';

const SCHEMA_FILE = 'schemas/topology.schema.json';
const README_FILE = 'README.md';

export function registerSchemaCommand(program: Command): void {
  program
    .command('schema')
    .description('Print the topology JSON Schema, or the README topology reference')
    .option('--markdown', 'print the topology reference table instead')
    .option('--write', `regenerate ${SCHEMA_FILE} and the reference in ${README_FILE} (repo root)`)
    .action(async (options: { markdown?: boolean; write?: boolean }) => {
      const json = `${JSON.stringify(topologyJsonSchema(), null, 2)}\n`;
      if (options.write) {
        await writeFile(SCHEMA_FILE, json);
        const readme = await readFile(README_FILE, 'utf8');
        await writeFile(README_FILE, replaceTopologyReference(readme, topologyReferenceMarkdown()));
        console.log(`wrote ${SCHEMA_FILE} and the topology reference in ${README_FILE}`);
      } else {
        process.stdout.write(options.markdown ? topologyReferenceMarkdown() : json);
      }
    });
}
