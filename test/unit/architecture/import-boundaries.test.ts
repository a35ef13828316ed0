/**
 * The import boundaries of eslint.config.js (docs/architecture.md), run through ESLint's own API
 * on deliberate violations placed where they would sit in the tree: each is refused with the
 * zone's reason, and its lawful twin passes.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('../../..', import.meta.url).pathname });

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport const used = value;\n`, { filePath });
  return (result?.messages ?? [])
    .filter((message) => message.ruleId === 'no-restricted-imports')
    .map((message) => message.message);
}

const CASES = [
  {
    zone: 'a working part importing the composition root',
    file: 'src/features/feature-check.ts',
    violation: "import { value } from '../engine/index.js';",
    lawful: "import { value } from '../topology/index.js';",
    reason: /never import engine/,
  },
  {
    zone: 'a working part importing the CLI',
    file: 'src/drift/alerts/alert-check.ts',
    violation: "import { value } from '../../cli/index.js';",
    lawful: "import { value } from '../../observability/index.js';",
    reason: /never import engine\/ \(the composition root\) or cli/,
  },
  {
    zone: 'pure drift statistics importing I/O',
    file: 'src/drift/statistics/statistic-check.ts',
    violation: "import { value } from '../../io/index.js';",
    lawful: "import { value } from './pairwise-sum.js';",
    reason: /pure math/,
  },
  {
    zone: 'pure drift statistics importing state through a package',
    file: 'src/drift/statistics/statistic-check.ts',
    violation: "import { value } from 'ioredis';",
    lawful: "import { value } from './linear-quantile.js';",
    reason: /pure math/,
  },
  {
    zone: 'observability importing drift back',
    file: 'src/observability/page-check.ts',
    violation: "import { value } from '../drift/index.js';",
    lawful: "import { value } from '../errors.js';",
    reason: /drift imports them, never the other way round/,
  },
  {
    zone: 'a deep import past a module’s index',
    file: 'src/topology/spec-check.ts',
    violation: "import { value } from '../features/feature-spec.js';",
    lawful: "import { value } from '../features/index.js';",
    reason: /only through its index\.js/,
  },
  {
    zone: 'a deep import past a drift layer’s index',
    file: 'src/drift/page/view-check.ts',
    violation: "import { value } from '../alerts/alert-state-machine.js';",
    lawful: "import { value } from '../alerts/index.js';",
    reason: /another layer of drift/,
  },
  {
    zone: 'the product importing a tool',
    file: 'src/cli/tool-check.ts',
    violation: "import { value } from '../../tools/devstack/index.js';",
    lawful: "import { value } from '../engine/index.js';",
    reason: /never imports the development tools/,
  },
  {
    zone: 'a tool reaching into a product module',
    file: 'tools/demo/demo-check.ts',
    violation: "import { value } from '../../src/io/record-headers.js';",
    lawful: "import { value } from '../../src/io/index.js';",
    reason: /only through its index\.js/,
  },
  {
    zone: 'a tool reaching into another tool',
    file: 'tools/demo/demo-check.ts',
    violation: "import { value } from '../devstack/free-port.js';",
    lawful: "import { value } from '../devstack/index.js';",
    reason: /another tool only through its index\.js/,
  },
  {
    zone: 'the bench reaching into a tool',
    file: 'bench/scenarios/scenario-check.ts',
    violation: "import { value } from '../../tools/synthetic/seeded-random.js';",
    lawful: "import { value } from '../peers/peer-environment.js';",
    reason: /only through its index\.js/,
  },
] as const;

describe('the import boundaries', () => {
  it.each(CASES)('refuse $zone', async ({ file, violation, reason }) => {
    const messages = await restrictedImports(file, violation);
    // A line can break more than one zone rule; the one named must be among them.
    expect(messages).toContainEqual(expect.stringMatching(reason));
  });

  it.each(CASES)('let the lawful twin of $zone pass', async ({ file, lawful }) => {
    expect(await restrictedImports(file, lawful)).toEqual([]);
  });
});
