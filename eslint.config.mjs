// The style gate's lint half (`npm run lint`; Prettier is the other): typescript-eslint's type-checked rules.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'reports/', '.stryker-tmp/', 'contracts/generated/'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Off: matching control characters is the point where it is done (header bytes, terminal escapes, NUL markers).
      'no-control-regex': 'off',
      // Off: each require() is deliberate: Pact and its CLI loaded late, modules kept outside jest's registry, the JS bundle.
      '@typescript-eslint/no-require-imports': 'off',
      // Off: an async function that implements a Promise-returning interface needs no contrived await.
      '@typescript-eslint/require-await': 'off',
      // A leading underscore names a value dropped on purpose (`{ dropped: _dropped, ...rest }`).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: ['tests/**/*.ts'],
    rules: {
      // Off in tests: jest's asymmetric matchers (expect.any, expect.stringMatching, …) are typed `any`.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      // Off in tests: test doubles print the JSON of requests whose shape the test itself fixes.
      '@typescript-eslint/no-base-to-string': 'off',
      // Off in tests: fake clocks reject with the abort signal's reason, as node:timers/promises does.
      '@typescript-eslint/prefer-promise-reject-errors': 'off',
    },
  },
  {
    // Plain JavaScript (the bundle runners, Stryker's config, this file): not in tsconfig.json, so no type information.
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },
);
