import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The architecture as lint (docs/architecture.md). `no-restricted-imports` keeps one list per
 * file, so each zone below carries every pattern that applies to its files.
 */
const THROUGH_FRONT_DOORS = {
  // `../<module>/<file>.js` skips the module's index; `../errors.js` is a module of one file.
  regex: String.raw`^(\.\./)+[^./][^/]*/(?!index\.js$)`,
  message:
    'Reach another module (or another layer of drift) only through its index.js, the surface it chose to expose.',
};
const NO_TOOLS = {
  regex: String.raw`^(\.\./)+(tools|bench)/`,
  message:
    'The product never imports the development tools or the bench: they are not in the published package (the CLI loads tools/tool-commands.js at run time).',
};
const NO_COMPOSITION_ROOT = {
  regex: String.raw`^(\.\./)+(engine|cli)/`,
  message:
    'Working parts never import engine/ (the composition root) or cli/: pass what they need in as options.',
};
const NO_DRIFT = {
  regex: String.raw`^(\.\./)+drift/`,
  message:
    'I/O, state and observability sit below drift: drift imports them, never the other way round.',
};
const PURE = {
  regex: String.raw`^(?!\./)`,
  message:
    'drift/statistics is pure math: it imports only its own files (no node:, no packages, no I/O, no other layer).',
};
/** From tools/ or bench/ into the product or the other tree. */
const frontDoorsOf = (...trees) => ({
  regex: String.raw`^(\.\./)+(${trees.join('|')})/[^/]+/(?!index\.js$)`,
  message: 'Reach a product module, a tool or the bench only through its index.js.',
});
const SIBLING_TOOL = {
  regex: String.raw`^\.\./(?!\.\.|src/|bench/)[^/]+/(?!index\.js$)`,
  message: 'Reach another tool only through its index.js.',
};

const restrict = (...patterns) => ({
  'no-restricted-imports': ['error', { patterns }],
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/results/**', '.streamscore/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' },
    },
    rules: {
      'no-console': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // The CLI writes its answers to stdout on purpose; everything else logs through pino.
    files: ['src/cli/**', 'tools/*/*-command.ts', 'bench/**', 'bin/**'],
    rules: { 'no-console': 'off' },
  },
  { files: ['src/engine/**', 'src/cli/**'], rules: restrict(THROUGH_FRONT_DOORS, NO_TOOLS) },
  {
    files: ['src/**'],
    ignores: ['src/engine/**', 'src/cli/**', 'src/io/**', 'src/state/**', 'src/observability/**'],
    rules: restrict(THROUGH_FRONT_DOORS, NO_TOOLS, NO_COMPOSITION_ROOT),
  },
  {
    files: ['src/io/**', 'src/state/**', 'src/observability/**'],
    rules: restrict(THROUGH_FRONT_DOORS, NO_TOOLS, NO_COMPOSITION_ROOT, NO_DRIFT),
  },
  { files: ['src/drift/statistics/**'], rules: restrict(PURE) },
  { files: ['tools/**'], rules: restrict(frontDoorsOf('src', 'bench'), SIBLING_TOOL) },
  { files: ['bench/**'], rules: restrict(frontDoorsOf('src', 'tools')) },
);
