/**
 * Reading back what /metrics serves: the samples of one metric name (not its `_sum`/`_count`
 * siblings) in Prometheus text format, summed over their label sets, optionally only those
 * carrying every given label. Undefined when no sample matches. For the bench and tests that
 * watch a running process from outside.
 */
export function sumPrometheusSamples(
  text: string,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number | undefined {
  const wanted = Object.entries(labels).map(([label, value]) => `${label}="${value}"`);
  let total: number | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const next = line[name.length];
    if (next !== ' ' && next !== '{') continue;
    if (!wanted.every((pair) => line.includes(pair))) continue;
    total = (total ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}
