import type { Command } from 'commander';
import { resolveTopologyModel } from '../engine/index.js';
import { isStreamscoreError } from '../errors.js';
import { loadTopology } from '../topology/index.js';
import { describeCliFailure } from './cli-failure.js';

export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description(
      'Check topology files and their models (manifest, file, sha256, feature spec); prints every problem with file, path and line, exits 2 on any',
    )
    .argument('<files...>', 'topology files')
    .option('--no-model', 'check the topology alone, not the model it names')
    .action(async (files: string[], options: { model: boolean }) => {
      let exitCode = 0;
      for (const file of files) {
        try {
          const topology = await loadTopology(file);
          const model = options.model ? (await resolveTopologyModel(topology)).model : undefined;
          const { name, version } = topology.model;
          const features =
            topology.featuresFrom === 'model'
              ? `the model's ${topology.features.length} features`
              : `${topology.features.length} features`;
          const checked =
            model === undefined
              ? `model ${name}@${version} not checked`
              : `model ${model.label} verified`;
          console.log(
            `${file}: ok (${topology.name}: ${topology.input.topic} → ${topology.output.topic}, ` +
              `${features} in ${topology.featureWidth} columns, ${checked})`,
          );
        } catch (error) {
          if (!isStreamscoreError(error)) throw error;
          const failure = describeCliFailure(error, { subject: file });
          process.stderr.write(failure.text);
          exitCode = Math.max(exitCode, failure.exitCode);
        }
      }
      process.exitCode = exitCode;
    });
}
