import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import {
  replaceTopologyReference,
  topologyJsonSchema,
  topologyReferenceMarkdown,
} from '../topology/index.js';
import { manifestReferenceMarkdown } from '../inference/index.js';
import { replaceGeneratedSection } from '../schema/schema-reference.js';

const SCHEMA_FILE = 'schemas/topology.schema.json';
const README_FILE = 'README.md';
const MANIFEST_DOC_FILE = 'docs/model-manifest.md';

export function registerSchemaCommand(program: Command): void {
  program
    .command('schema')
    .description('Print the topology JSON Schema, or the README topology reference')
    .option('--markdown', 'print the topology reference table instead')
    .option(
      '--write',
      `regenerate ${SCHEMA_FILE}, the reference in ${README_FILE} and ${MANIFEST_DOC_FILE} (repo root)`,
    )
    .action(async (options: { markdown?: boolean; write?: boolean }) => {
      const json = `${JSON.stringify(topologyJsonSchema(), null, 2)}\n`;
      if (options.write) {
        await writeFile(SCHEMA_FILE, json);
        const readme = await readFile(README_FILE, 'utf8');
        await writeFile(README_FILE, replaceTopologyReference(readme, topologyReferenceMarkdown()));
        const manifestDoc = await readFile(MANIFEST_DOC_FILE, 'utf8');
        await writeFile(
          MANIFEST_DOC_FILE,
          replaceGeneratedSection(manifestDoc, 'manifest-reference', manifestReferenceMarkdown()),
        );
        console.log(
          `wrote ${SCHEMA_FILE}, the topology reference in ${README_FILE} and the manifest reference in ${MANIFEST_DOC_FILE}`,
        );
      } else {
        process.stdout.write(options.markdown ? topologyReferenceMarkdown() : json);
      }
    });
}
