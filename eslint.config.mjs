import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import { kurumaLintPlugin } from './tools/lint/harness-boundaries.mjs';

/**
 * Layering is enforced, not suggested: contracts <- domain <- data-access <- platform <- apps.
 * tools/module-boundaries.spec.ts lints deliberate violations to prove each rule fails them.
 * Outside the Nx projects, `kuruma/harness-boundaries` keeps tools/, test/ and the harness they
 * share (tools/harness) from importing each other in a cycle.
 */
export const depConstraints = [
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:contracts'] },
  { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:contracts', 'type:domain', 'type:data-access', 'type:util'] },
  {
    sourceTag: 'type:platform',
    onlyDependOnLibsWithTags: ['type:contracts', 'type:domain', 'type:data-access', 'type:util'],
  },
  {
    sourceTag: 'type:app',
    onlyDependOnLibsWithTags: ['type:contracts', 'type:domain', 'type:data-access', 'type:platform', 'type:util'],
  },
  // Each service owns its business rules; shared plumbing is scope:shared.
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'scope:ingest', onlyDependOnLibsWithTags: ['scope:shared', 'scope:ingest'] },
  { sourceTag: 'scope:pricing', onlyDependOnLibsWithTags: ['scope:shared', 'scope:pricing'] },
  { sourceTag: 'scope:policy', onlyDependOnLibsWithTags: ['scope:shared', 'scope:policy'] },
  { sourceTag: 'scope:claims', onlyDependOnLibsWithTags: ['scope:shared', 'scope:claims'] },
  { sourceTag: 'scope:webhooks', onlyDependOnLibsWithTags: ['scope:shared', 'scope:webhooks'] },
  { sourceTag: 'scope:console', onlyDependOnLibsWithTags: ['scope:shared', 'scope:console', 'scope:claims', 'scope:policy'] },
];

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', 'libs/data-access/db/src/generated/**', 'apps/ops-console/web/vendor/**', '.nx/**', 'tmp/**'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints,
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        { object: 'it', property: 'only', message: 'it.only would silently skip the rest of the suite.' },
        { object: 'describe', property: 'only', message: 'describe.only would silently skip the rest of the suite.' },
        { object: 'test', property: 'only', message: 'test.only would silently skip the rest of the suite.' },
      ],
    },
  },
  {
    files: ['tools/**/*.ts', 'test/**/*.ts', 'infra/**/*.ts'],
    plugins: { kuruma: kurumaLintPlugin },
    rules: { 'kuruma/harness-boundaries': 'error' },
  },
  {
    // Configuration is parsed once, in the config library; everything else receives a typed object.
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: ['libs/platform/config/**', '**/*.spec.ts', '**/*.int-spec.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read configuration through @kuruma/config, not process.env.',
        },
      ],
    },
  },
];
