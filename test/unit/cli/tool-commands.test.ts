/**
 * The product and its tools: the CLI registers the development tools from dist/tools when the
 * checkout has built them, and without them (the published package) says where they run; the
 * package's file list carries the engine and none of the tools.
 */
import { execFileSync } from 'node:child_process';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { TOOL_COMMANDS, registerToolCommands } from '../../../src/cli/tool-commands.js';
import { StreamscoreError } from '../../../src/errors.js';

const BUILT_TOOLS = new URL('../../../dist/tools/tool-commands.js', import.meta.url);

function quietProgram(): Command {
  return new Command('streamscore').exitOverride().configureOutput({ writeErr: () => undefined });
}

describe('the tool commands', () => {
  it('come from the built tools in a checkout', async () => {
    const program = quietProgram();
    await registerToolCommands(program, BUILT_TOOLS);
    const demo = program.commands.find((command) => command.name() === 'demo');
    expect(program.commands.map((command) => command.name()).sort()).toEqual(
      [...TOOL_COMMANDS].sort(),
    );
    expect(demo?.options.map((option) => option.long)).toContain('--rate');
  });

  it('without the tools, are listed and each fails with USAGE saying where it runs', async () => {
    const program = quietProgram();
    await registerToolCommands(program, new URL('file:///nonexistent/tools/tool-commands.js'));
    expect(program.commands.map((command) => command.name())).toEqual([...TOOL_COMMANDS]);
    for (const name of TOOL_COMMANDS) {
      const run = program.parseAsync(['node', 'streamscore', name, '--rate', '5', 'extra']);
      await expect(run).rejects.toBeInstanceOf(StreamscoreError);
      await expect(run).rejects.toMatchObject({
        code: 'USAGE',
        message: expect.stringContaining(`streamscore ${name} is a development tool`),
      });
    }
  });
});

describe('the published package', () => {
  it('carries the compiled engine, its schema and docs, and none of the tools or the bench', () => {
    const [packed] = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }),
    ) as [{ files: { path: string }[] }];
    const paths = packed.files.map((file) => file.path);
    expect(paths).toContain('bin/streamscore.js');
    expect(paths).toContain('dist/src/cli/main.js');
    expect(paths).toContain('dist/src/engine/index.js');
    expect(paths).toContain('schemas/topology.schema.json');
    expect(paths).toContain('docs/topology.md');
    expect(
      paths.filter((path) => /^(src|tools|bench|test|dist\/tools|dist\/bench)\//.test(path)),
    ).toEqual([]);
  });
});
