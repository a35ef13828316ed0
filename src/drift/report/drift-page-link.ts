/**
 * The address of a subject's section on the drift report page at `pageUrl` (`<admin base
 * URL>/drift`, or '' within the page): the scope as the query, the subject as the fragment,
 * percent-encoded (the section's id is the name itself). Alerts carry it, so a page lands on
 * the subject that fired.
 */
export function driftPageLink(pageUrl: string, scope: 'fast' | 'slow', subject: string): string {
  return `${pageUrl}?scope=${scope}#${encodeURIComponent(subject)}`;
}
