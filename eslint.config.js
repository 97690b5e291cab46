// Lint: rules that catch mistakes, not style. TypeScript's own checks (tsc -b) cover undefined
// names and types; formatting is left to the editor.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'models/', 'test-results/', 'playwright-report/', '.cache/', 'node_modules/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      eqeqeq: ['error', 'always'],
      // Comma expressions hide a statement inside an expression; write two statements.
      'no-sequences': ['error', { allowInParentheses: false }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { args: 'after-used', argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // `try { … } catch {}` is how the widget keeps its own failures away from the host page.
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    // Tests reproduce the gtag snippet, which pushes its `arguments` object, and check which
    // `this` a chained call receives.
    files: ['**/*.test.{ts,tsx}', 'e2e/**'],
    rules: { 'prefer-rest-params': 'off', '@typescript-eslint/no-this-alias': 'off' },
  },
  // Plain JavaScript is not type-checked, so ESLint's no-undef needs the Node globals it may use.
  { files: ['**/*.{js,mjs}'], languageOptions: { globals: { process: 'readonly', console: 'readonly' } } },
);
