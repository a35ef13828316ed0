/**
 * Building blocks shared by the schemas of the files operators write: topologies (YAML, with
 * `${VAR}` interpolation) and model manifests (JSON), which share the feature spec.
 */
import { z } from 'zod';

/**
 * A text field. Numbers are accepted and turned into text, because a plain `${VAR}` is re-typed
 * after interpolation and a password or an id may well look like a number. Defaults and
 * optionality go on the inner schema so the JSON Schema keeps them.
 */
export const text = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (typeof value === 'number' ? String(value) : value), schema);

export const nonEmpty = () => z.string().min(1);

/** Renders a document path as an operator writes it: `features[2].transforms[0].op`. */
export function formatDocumentPath(path: readonly PropertyKey[]): string {
  let rendered = '';
  for (const segment of path) {
    if (typeof segment === 'number') rendered += `[${segment}]`;
    else rendered += rendered === '' ? String(segment) : `.${String(segment)}`;
  }
  return rendered;
}

/** A problem at a path inside a document (topology, manifest, features file). */
export interface DocumentIssue {
  readonly at: readonly PropertyKey[];
  readonly message: string;
}

/** One issue per repeat of a value, naming where it first appeared. */
export function duplicateIssues(
  values: readonly string[],
  pathOf: (index: number) => PropertyKey[],
  what: string,
): DocumentIssue[] {
  const firstIndex = new Map<string, number>();
  const issues: DocumentIssue[] = [];
  values.forEach((value, index) => {
    const first = firstIndex.get(value);
    if (first === undefined) firstIndex.set(value, index);
    else {
      issues.push({
        at: pathOf(index),
        message: `duplicate ${what} "${value}" (first at ${formatDocumentPath(pathOf(first))})`,
      });
    }
  });
  return issues;
}
