import { readFile } from 'node:fs/promises';
import {
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parse as parseYamlScalar,
  parseDocument,
  type Document,
  type Node as YamlNode,
} from 'yaml';
import type { z } from 'zod';
import { locateModel } from '../models/index.js';
import { compileTopology, registryDirOf, type Topology } from './compile-topology.js';
import { crossFieldIssues } from './cross-field-rules.js';
import { interpolateEnv, isSinglePlaceholder, type Environment } from './env-interpolation.js';
import { describeZodIssue, formatDocumentPath, issueMessage } from '../schema/index.js';
import { TopologyValidationError, type TopologyIssue } from './topology-errors.js';
import { topologySchema, type TopologyDocument } from './topology-schema.js';

export interface LoadTopologyOptions {
  /** Variables for `${VAR}` interpolation; the process environment by default. */
  readonly env?: Environment;
}

/** Reads, interpolates, validates and compiles a topology file; throws every problem at once. */
export async function loadTopology(
  file: string,
  options: LoadTopologyOptions = {},
): Promise<Topology> {
  let source: string;
  try {
    source = await readFile(file, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(error);
    throw new TopologyValidationError(file, [{ path: '', message: reason }], error);
  }
  return parseTopology(source, file, options);
}

/** Validates topology text; `file` only names the source in errors and anchors relative paths. */
export function parseTopology(
  source: string,
  file: string,
  options: LoadTopologyOptions = {},
): Topology {
  const lineCounter = new LineCounter();
  const document = parseDocument(source, { lineCounter, prettyErrors: false });
  const position = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };

  const [syntaxError] = document.errors;
  if (syntaxError !== undefined) {
    // Only the first: after one syntax error the parser's later complaints are mostly echoes.
    const message = `invalid YAML: ${syntaxError.message.split('\n')[0]}`;
    throw new TopologyValidationError(file, [
      { path: '', message, ...position(syntaxError.pos[0]) },
    ]);
  }

  const interpolation = interpolateDocument(document, options.env ?? process.env);
  const locate = (path: readonly PropertyKey[]) => {
    const offset = nodeOffset(document, path);
    return offset === undefined ? {} : position(offset);
  };
  const envIssues: TopologyIssue[] = interpolation.issues.map(({ at, path, message }) => ({
    path,
    message,
    ...locate(at),
  }));

  const parsed = topologySchema.safeParse(document.toJS(), {
    reportInput: true,
    error: describeZodIssue,
  });
  if (!parsed.success || envIssues.length > 0) {
    // A value whose variable is missing fails the schema too; its env message says it better.
    const envPaths = new Set(envIssues.map((issue) => issue.path));
    const schemaIssues = (parsed.error?.issues ?? [])
      .flatMap(toIssues(locate))
      .filter((issue) => !envPaths.has(issue.path));
    throw new TopologyValidationError(file, [...envIssues, ...schemaIssues]);
  }

  const ruleIssues = crossFieldIssues(parsed.data, interpolation.interpolatedPaths).map(
    (issue) => ({
      path: formatDocumentPath(issue.at),
      message: issue.message,
      ...locate(issue.at),
    }),
  );
  if (ruleIssues.length > 0) throw new TopologyValidationError(file, ruleIssues);

  const modelFeatures =
    parsed.data.features === undefined ? featuresOfModel(parsed.data.model, file) : undefined;
  return compileTopology(parsed.data, { file }, modelFeatures);
}

/** The feature spec of the model a topology without `features` names (manifest only). */
function featuresOfModel(model: TopologyDocument['model'], file: string) {
  return locateModel(registryDirOf(file, model.registry), model.name, model.version).manifest
    .features;
}

interface LocatedIssue {
  readonly at: readonly PropertyKey[];
  readonly path: string;
  readonly message: string;
}

function toIssues(locate: (path: readonly PropertyKey[]) => object) {
  return (issue: z.core.$ZodIssue): TopologyIssue[] => {
    // One line per unknown key, located at the key itself.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: formatDocumentPath([...issue.path, key]),
        message: issue.message,
        ...locate([...issue.path, key]),
      }));
    }
    return [
      { path: formatDocumentPath(issue.path), message: issueMessage(issue), ...locate(issue.path) },
    ];
  };
}

/**
 * Replaces placeholders in every scalar value (keys are left alone). A plain, unquoted scalar
 * that is exactly one placeholder is re-read as YAML, so `port: ${PORT}` becomes a number;
 * quoting it keeps it text.
 */
function interpolateDocument(document: Document, env: Environment) {
  const issues: LocatedIssue[] = [];
  const interpolatedPaths = new Set<string>();

  const visit = (node: unknown, path: PropertyKey[]): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        visit(pair.value, [...path, String(key)]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => visit(item, [...path, index]));
    } else if (isScalar(node) && typeof node.value === 'string' && node.value.includes('$')) {
      const template = node.value;
      const result = interpolateEnv(template, env);
      if (!result.ok) {
        const names = result.missing.join(', ');
        issues.push({
          at: path,
          path: formatDocumentPath(path),
          message: `environment variable ${names} is not set and has no default (write \${${result.missing[0]}:-default} to give one)`,
        });
        return;
      }
      if (!result.interpolated) {
        node.value = result.value;
        return;
      }
      interpolatedPaths.add(formatDocumentPath(path));
      node.value =
        node.type === 'PLAIN' && isSinglePlaceholder(template)
          ? retype(result.value)
          : result.value;
    }
  };
  visit(document.contents, []);
  return { issues, interpolatedPaths };
}

function retype(value: string): unknown {
  try {
    const typed: unknown = parseYamlScalar(value);
    return typeof typed === 'object' && typed !== null ? value : typed;
  } catch {
    return value;
  }
}

/** Offset of the node at `path`, or of its nearest existing ancestor (for missing keys). */
function nodeOffset(document: Document, path: readonly PropertyKey[]): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const prefix = path.slice(0, depth);
    const parent = depth === 0 ? undefined : document.getIn(prefix.slice(0, -1), true);
    // Point at the key of a mapping entry rather than its value: that is where the eye goes.
    if (depth > 0 && isMap(parent)) {
      const pair = parent.items.find(
        (item) => isScalar(item.key) && String(item.key.value) === String(prefix.at(-1)),
      );
      const keyNode = pair?.key as YamlNode | undefined;
      if (keyNode?.range) return keyNode.range[0];
      continue;
    }
    const node = document.getIn(prefix, true) as YamlNode | undefined;
    if (node?.range) return node.range[0];
  }
  return undefined;
}
