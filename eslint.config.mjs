// @ts-check
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

/**
 * The layering of ARCHITECTURE.md, written once: each package may import only
 * the packages listed here. `contracts` sits at the bottom, `orchestrator` on
 * top, and domain packages follow the data flow. Tooling and e2e projects may
 * use anything except each other.
 */
const layering = {
  contracts: [],
  'schema-authority': ['contracts'],
  'artifact-registry': ['contracts'],
  store: ['contracts', 'schema-authority'],
  'repo-scan': ['contracts', 'schema-authority'],
  'extract-tree-sitter': ['contracts', 'schema-authority', 'repo-scan'],
  'extract-python': ['contracts', 'schema-authority', 'repo-scan'],
  'extract-scip': ['contracts', 'schema-authority', 'repo-scan'],
  'semantic-ir': ['contracts', 'schema-authority', 'artifact-registry'],
  'python-cpg': ['contracts', 'schema-authority', 'semantic-ir'],
  'plan-signals': ['contracts', 'semantic-ir', 'store', 'artifact-registry'],
  scheduler: ['contracts', 'plan-signals', 'artifact-registry'],
  'scan-policy': ['contracts', 'plan-signals'],
  'execution-policy': ['contracts', 'semantic-ir', 'plan-signals', 'scheduler', 'scan-policy', 'artifact-registry'],
  maintenance: ['contracts', 'store', 'execution-policy', 'artifact-registry'],
  'cpg-query': ['contracts', 'schema-authority', 'store'],
};
const domain = Object.keys(layering);

const depConstraints = [
  ...Object.entries(layering).map(([name, allowed]) => ({
    sourceTag: `pkg:${name}`,
    onlyDependOnLibsWithTags: allowed.map((dep) => `pkg:${dep}`),
  })),
  { sourceTag: 'pkg:orchestrator', onlyDependOnLibsWithTags: domain.map((dep) => `pkg:${dep}`) },
  { sourceTag: 'type:tooling', onlyDependOnLibsWithTags: [...domain, 'orchestrator'].map((dep) => `pkg:${dep}`) },
  { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['pkg:contracts'] },
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.anatomy/**', '**/fixtures/**', 'tools/lint-fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/src/**/*.ts', '**/bin/*.js', '**/bench/**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        { enforceBuildableLibDependency: false, allow: [], depConstraints, banTransitiveDependencies: false },
      ],
    },
  },
  {
    files: ['**/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/explicit-module-boundary-types': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/utils', '**/helpers', '**/common', '**/misc'], message: 'Name modules after the capability they hold.' }] },
      ],
    },
  },
  {
    files: ['**/*.test.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['**/bin/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
