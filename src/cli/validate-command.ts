import type { Command } from 'commander';
import { loadTopology, TopologyValidationError } from '../topology/index.js';

export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description(
      'Check topology files; prints every problem with file, path and line, exits 1 on any',
    )
    .argument('<files...>', 'topology files')
    .action(async (files: string[]) => {
      let failed = false;
      for (const file of files) {
        try {
          const topology = await loadTopology(file);
          const { name, version } = topology.model;
          console.log(
            `${file}: ok (${topology.name}: ${topology.input.topic} → ${topology.output.topic}, ` +
              `${topology.features.length} features in ${topology.featureWidth} columns, model ${name}@${version})`,
          );
        } catch (error) {
          if (!(error instanceof TopologyValidationError)) throw error;
          failed = true;
          console.error(error.message);
        }
      }
      if (failed) process.exitCode = 1;
    });
}
