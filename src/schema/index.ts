/**
 * Documentation generated from the code, and the vocabulary of its errors: zod primitives and
 * document paths shared by the topology and the model manifest, issue messages, the reference
 * tables of a schema, and the error catalogue of docs/errors.md.
 */
export {
  DEAD_LETTER_REASONS,
  ERROR_CODES,
  errorCatalogueMarkdown,
  errorCodeDocs,
  ERRORS_SOURCE_FILE,
  exitCodeOf,
} from './error-catalogue.js';
export { describeSchema, describeValue, describeZodIssue, issueMessage } from './issue-messages.js';
export {
  duplicateIssues,
  formatDocumentPath,
  nonEmpty,
  text,
  type DocumentIssue,
} from './schema-primitives.js';
export { replaceGeneratedSection, schemaReferenceMarkdown } from './schema-reference.js';
