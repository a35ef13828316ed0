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
