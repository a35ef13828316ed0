/**
 * The topology reference of docs/topology.md, rendered from the JSON Schema so the docs cannot drift from
 * what `validate` accepts. A test checks that docs/topology.md holds exactly this text.
 */
import { replaceGeneratedSection, schemaReferenceMarkdown } from '../schema/index.js';
import { topologyJsonSchema } from './topology-json-schema.js';

/** The topology reference table of docs/topology.md. */
export function topologyReferenceMarkdown(): string {
  return schemaReferenceMarkdown(topologyJsonSchema());
}

/** The page with its generated topology reference section replaced by `reference`. */
export function replaceTopologyReference(page: string, reference: string): string {
  return replaceGeneratedSection(page, 'topology-reference', reference);
}
