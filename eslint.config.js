// Lint: typescript-eslint's recommended rules plus the import directions of design.md §1.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const rooms = (...names) => names.map((n) => `**/${n}/**`);
const restrict = (patterns, message, allowTypeImports = false) => ({
  '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ group: patterns, message, allowTypeImports }] }],
});

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'out/**', 'release/**', '.tsbuild/**', 'docs/**', '**/*.d.ts', 'test-results/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['scripts/**/*.mjs', 'bench/**/*.mjs', '*.js', '*.mjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
      },
    },
  },
  // protocol/src: pure TypeScript over Uint8Array — relative imports inside itself only.
  {
    files: ['protocol/src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(?!\\./)', message: 'protocol/src imports nothing outside itself (design.md §1).' }] },
      ],
    },
  },
  // protocol/node and simulator: never the app.
  {
    files: ['protocol/node/**/*.ts', 'simulator/**/*.ts'],
    rules: restrict(
      rooms('app-main', 'app-renderer', 'electron').concat(['electron']),
      'protocol/ and simulator/ never import the app (design.md §1).',
    ),
  },
  // Services, the host and the contract never load electron at run time (engineering-notes §5.1).
  {
    files: ['app-main/src/services/**/*.ts', 'app-main/src/host/**/*.ts', 'app-main/src/common/**/*.ts'],
    rules: restrict(
      ['electron', '**/app-renderer/**', '**/electron/**'],
      'Services and the host must not load electron or the renderer (engineering-notes §5.1).',
      true,
    ),
  },
  // The renderer talks only to the bridge: type imports from app-main/src/common and its channel list,
  // nothing else of main.
  {
    files: ['app-renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/app-main/src/services/**',
                '**/app-main/src/electron/**',
                '**/app-main/src/host/**',
                '**/protocol/**',
                '**/simulator/**',
                'node:*',
                'electron',
              ],
              message: 'The renderer talks only to the bridge (design.md §1).',
            },
            // The one runtime value from common: the channel list (app-main/src/common/channels.ts).
            {
              group: ['**/app-main/src/common/**', '!**/app-main/src/common/channels'],
              message: 'Only type imports from the bridge contract (and the channel list, common/channels).',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  // The renderer's tests are not the renderer room: they drive the real services, the real dispatch
  // and simulated routers in-process (app-renderer/test/inprocess-bridge.ts, issue 12 item 1).
  // Still never electron.
  {
    files: ['app-renderer/test/**/*.{ts,tsx}'],
    rules: restrict(['electron', '**/app-main/src/electron/**'], 'Renderer tests never load electron (engineering-notes §5.1).'),
  },
  // The renderer benchmark's data source (bench.html only, never shipped) reuses the simulator's
  // browser-safe modules (its row generator, its Rng); nothing of main, nothing of Node.
  {
    files: ['app-renderer/bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/app-main/src/services/**',
                '**/app-main/src/electron/**',
                '**/app-main/src/host/**',
                '**/protocol/node/**',
                'node:*',
                'electron',
              ],
              message: 'The bench page runs in the browser: nothing of main or of Node.',
            },
            {
              // Most simulator modules reach Node (Buffer, sockets, protocol/node); these do not.
              regex: '^(?!.*simulator/src/(rng|conntrack|types)$).*simulator/',
              message: 'The bench page runs in the browser: only the simulator modules without Node (rng, conntrack, types).',
            },
            {
              group: ['**/app-main/src/common/**'],
              message: 'Only type imports from the bridge contract.',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
);
