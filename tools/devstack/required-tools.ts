import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { StreamscoreError } from '../../src/errors.js';

/** The programs the local stack runs; each must be on PATH. */
export type RequiredTool = 'java' | 'keytool' | 'mvn' | 'redis-server';

/** Finds an executable by name, as a shell would on PATH; `undefined` when absent. */
export type ExecutableLookup = (name: string) => string | undefined;

/**
 * The exact command that installs each tool on the Debian/Ubuntu images we run on. Kafka 4.x
 * brokers need Java 17 or later, hence the pinned JRE.
 */
export const toolInstallCommands: Readonly<Record<RequiredTool, string>> = {
  java: 'apt-get install -y openjdk-17-jre-headless',
  keytool: 'apt-get install -y openjdk-17-jre-headless',
  mvn: 'apt-get install -y maven',
  'redis-server': 'apt-get install -y redis-server',
};

const toolPurposes: Readonly<Record<RequiredTool, string>> = {
  java: 'runs the Kafka broker',
  keytool: 'makes the TLS keystore of a test broker’s secured listener',
  mvn: 'downloads the Kafka jars from Maven Central',
  'redis-server': 'serves the Redis state store',
};

/** A lookup over the directories of a PATH string (pass `process.env.PATH`). */
export function createPathLookup(pathVariable: string | undefined): ExecutableLookup {
  const directories = (pathVariable ?? '').split(delimiter).filter((dir) => dir.length > 0);
  return (name) => {
    for (const directory of directories) {
      const candidate = join(directory, name);
      try {
        accessSync(candidate, constants.X_OK);
        if (statSync(candidate).isFile()) return candidate;
      } catch {
        // Not here (or not executable); keep looking like a shell would.
      }
    }
    return undefined;
  };
}

/**
 * Resolves every tool to its path, or throws one DEPENDENCY_MISSING error naming all missing
 * tools with the command that installs each, so one attempt tells the operator everything.
 */
export function locateTools<T extends RequiredTool>(
  tools: readonly T[],
  lookupExecutable: ExecutableLookup,
): Record<T, string> {
  const found = {} as Record<T, string>;
  const missing: T[] = [];
  for (const tool of tools) {
    const path = lookupExecutable(tool);
    if (path === undefined) missing.push(tool);
    else found[tool] = path;
  }
  if (missing.length > 0) throw missingToolsError(missing);
  return found;
}

export function missingToolsError(missing: readonly RequiredTool[]): StreamscoreError {
  const lines = missing.map(
    (tool) => `  - ${tool} (${toolPurposes[tool]}): ${toolInstallCommands[tool]}`,
  );
  const noun = missing.length === 1 ? 'a program that is' : 'programs that are';
  return new StreamscoreError(
    'DEPENDENCY_MISSING',
    `the local stack needs ${noun} not on PATH; install with:\n${lines.join('\n')}`,
    { context: { missing: missing.join(',') } },
  );
}
