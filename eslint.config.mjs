import { readdirSync } from 'node:fs';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

/**
 * Module boundaries: outside a feature module, only its public surface may be imported: `<module>/index.ts` (the
 * services, types, DTOs, decorators and rules it shares) and its Nest module classes for wiring
 * (`<module>.module.ts`, `<module>-core.module.ts`, `<module>-cli.module.ts`; kept out of the index so that a unit
 * spec importing a rule does not load the whole module graph). The application's data source lists every module's
 * tables (`<module>/entities/index.ts`) and the config module every module's schema (`<module>/<module>.config.ts`).
 * Imports are relative, so the rule is written per folder and depth.
 */
const MODULES = ['auth', 'sensors', 'cloudcasting', 'scans', 'species', 'jobs', 'metrics'];
const MAX_DEPTH = 5;
const folders = readdirSync('src', { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

function boundaryRule(folder, depth) {
  const up = depth === 0 ? '\\./' : `(\\.\\./){${depth}}`;
  const patterns = MODULES.filter((module) => module !== folder).map((module) => {
    const allowed = ['index\\.js$', `${module}(-core|-cli)?\\.module\\.js$`];
    if (folder === 'database') allowed.push('entities/index\\.js$');
    if (folder === 'config') allowed.push(`${module}\\.config\\.js$`);
    return {
      regex: `^${up}${module}/(?!(${allowed.join('|')}))`,
      message: `Import ${module}'s public surface (${module}/index.js), not its internals.`,
    };
  });
  return { 'no-restricted-imports': ['error', { patterns }] };
}

const boundaries = [
  { files: ['src/*.ts'], rules: boundaryRule(null, 0) },
  ...folders.flatMap((folder) =>
    Array.from({ length: MAX_DEPTH }, (_, i) => ({
      files: [`src/${folder}/${'*/'.repeat(i)}*.ts`],
      rules: boundaryRule(folder, i + 1),
    })),
  ),
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    files: [
      'bench/**/*.ts',
      'scripts/**/*.ts',
      'src/cli/**/*.ts',
      'src/**/commands/**/*.ts',
      'src/**/*.command.ts',
    ],
    rules: { 'no-console': 'off' },
  },
  ...boundaries,
);
