/**
 * The README's topology reference, rendered from the JSON Schema so the docs cannot drift from
 * what `validate` accepts. A test checks that the README holds exactly this text.
 */
import { replaceGeneratedSection, schemaReferenceMarkdown } from '../schema/schema-reference.js';
import { topologyJsonSchema } from './topology-json-schema.js';

/** The README's topology reference table. */
export function topologyReferenceMarkdown(): string {
  return schemaReferenceMarkdown(topologyJsonSchema());
}

/** The README with its generated topology reference section replaced by `reference`. */
export function replaceTopologyReference(readme: string, reference: string): string {
  return replaceGeneratedSection(readme, 'topology-reference', reference);
}
