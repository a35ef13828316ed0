import { StreamscoreError } from '../errors.js';

/** One problem found in a topology file, located as precisely as the parser allows. */
export interface TopologyIssue {
  /** Path inside the document, e.g. `batching.maxDelayMs` or `features[2].transforms[0].op`. */
  readonly path: string;
  readonly message: string;
  /** 1-based position of the offending node, when the YAML parser knows it. */
  readonly line?: number;
  readonly column?: number;
}

/** Every problem of one topology file at once, so an operator fixes them in one pass. */
export class TopologyValidationError extends StreamscoreError {
  readonly file: string;
  readonly issues: readonly TopologyIssue[];

  constructor(file: string, issues: readonly TopologyIssue[], cause?: unknown) {
    super('TOPOLOGY_INVALID', issues.map((issue) => formatTopologyIssue(file, issue)).join('\n'), {
      context: { file, issues: issues.length },
      cause,
    });
    this.name = 'TopologyValidationError';
    this.file = file;
    this.issues = issues;
  }
}

/** `file: path: message (line L, column C)`; the path is left out for whole-file problems. */
export function formatTopologyIssue(file: string, issue: TopologyIssue): string {
  const where = issue.path === '' ? '' : `${issue.path}: `;
  const position =
    issue.line === undefined ? '' : ` (line ${issue.line}, column ${issue.column ?? 1})`;
  return `${file}: ${where}${issue.message}${position}`;
}
