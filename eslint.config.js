// ESLint: typescript-eslint's recommended rules, plus the bans that keep the pure layers
// deterministic (CONVENTIONS.md §3.2): no timers, no process, no Date.now/new Date(),
// no Math.random, no crypto.randomUUID in core, protocol, openstack, proxy, emulator, idp and sim.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

const pure = ['src/core/**/*.ts', 'src/protocol/**/*.ts', 'src/openstack/**/*.ts', 'src/proxy/**/*.ts', 'src/emulator/**/*.ts', 'src/idp/**/*.ts', 'src/imagestore/**/*.ts', 'src/sim/**/*.ts']

export default tseslint.config(
  { ignores: ['node_modules/**', 'tmp/**', 'coverage/**', '.dependency-cruiser.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', performance: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', URLSearchParams: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-constant-condition': ['error', { checkLoops: false }]
    }
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/bin/**'],
    rules: {
      'no-restricted-globals': ['error', { name: 'process', message: 'Only src/bin reads the process.' }]
    }
  },
  {
    files: pure,
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-globals': ['error',
        { name: 'setTimeout', message: 'Pure layers count time through the Clock port.' },
        { name: 'setInterval', message: 'Pure layers count time through the Clock port.' },
        { name: 'setImmediate', message: 'Pure layers run to completion.' },
        { name: 'queueMicrotask', message: 'Pure layers run to completion.' },
        { name: 'process', message: 'Only src/bin reads the process.' },
        { name: 'performance', message: 'Use the Clock port.' }],
      'no-restricted-properties': ['error',
        { object: 'Date', property: 'now', message: 'Use the Clock port.' },
        { object: 'Math', property: 'random', message: 'Use the Random port.' },
        { object: 'crypto', property: 'randomUUID', message: 'Use the Random port.' },
        { object: 'crypto', property: 'getRandomValues', message: 'Use the Random port.' }],
      'no-restricted-syntax': ['error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Use the Clock port.' }]
    }
  }
)
