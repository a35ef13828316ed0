import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import {
  replaceTopologyReference,
  topologyJsonSchema,
  topologyReferenceMarkdown,
} from '../topology/index.js';
import { manifestReferenceMarkdown } from '../models/index.js';
import {
  errorCatalogueMarkdown,
  ERRORS_SOURCE_FILE,
  replaceGeneratedSection,
} from '../schema/index.js';

const SCHEMA_FILE = 'schemas/topology.schema.json';
const TOPOLOGY_DOC_FILE = 'docs/topology.md';
const MANIFEST_DOC_FILE = 'docs/model-manifest.md';
const ERRORS_DOC_FILE = 'docs/errors.md';

export function registerSchemaCommand(program: Command): void {
  program
    .command('schema')
    .description(
      `Print the topology JSON Schema, or the topology reference of ${TOPOLOGY_DOC_FILE}`,
    )
    .option('--markdown', 'print the topology reference table instead')
    .option(
      '--write',
      `regenerate ${SCHEMA_FILE} and the generated sections of ${TOPOLOGY_DOC_FILE}, ${MANIFEST_DOC_FILE} and ${ERRORS_DOC_FILE} (repo root)`,
    )
    .action(async (options: { markdown?: boolean; write?: boolean }) => {
      const json = `${JSON.stringify(topologyJsonSchema(), null, 2)}\n`;
      if (options.write) {
        await writeFile(SCHEMA_FILE, json);
        await rewrite(TOPOLOGY_DOC_FILE, (doc) =>
          replaceTopologyReference(doc, topologyReferenceMarkdown()),
        );
        await rewrite(MANIFEST_DOC_FILE, (doc) =>
          replaceGeneratedSection(doc, 'manifest-reference', manifestReferenceMarkdown()),
        );
        const errorsSource = await readFile(ERRORS_SOURCE_FILE, 'utf8');
        await rewrite(ERRORS_DOC_FILE, (doc) =>
          replaceGeneratedSection(doc, 'error-catalogue', errorCatalogueMarkdown(errorsSource)),
        );
        console.log(
          `wrote ${SCHEMA_FILE}, the topology reference in ${TOPOLOGY_DOC_FILE}, the manifest reference in ${MANIFEST_DOC_FILE} and the error catalogue in ${ERRORS_DOC_FILE}`,
        );
      } else {
        process.stdout.write(options.markdown ? topologyReferenceMarkdown() : json);
      }
    });
}

/** Rewrites `file` (relative to the repository root) through `update`. */
async function rewrite(file: string, update: (document: string) => string): Promise<void> {
  await writeFile(file, update(await readFile(file, 'utf8')));
}
