import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/**
 * The never-imports of docs/architecture.md, per part: the files of the part, the parts of
 * services/ it must never import, and why. Imports are relative strings, so a part is matched at
 * any depth (`../alerts/x`, `../../alerts/x`). A later entry whose files overlap replaces an
 * earlier one's list for those files (ESLint replaces a rule's options), so a sub-folder's entry
 * repeats its parent's parts.
 */
const NEVER_IMPORTS = [
  {
    files: ['services/core/**/*.ts'],
    regex: '^\\.\\./',
    why: 'core imports nothing of services: every part may import core, so core depends on none',
  },
  {
    files: ['services/config/**/*.ts'],
    parts: ['camera', 'pipeline', 'pose', 'tracking', 'clips', 'push', 'api', 'analysis'],
    why: 'config describes the parts; it runs none of them',
  },
  {
    files: ['services/camera/**/*.ts'],
    parts: ['pipeline', 'pose', 'tracking', 'behaviour', 'alerts', 'push', 'api', 'analysis'],
    why: 'camera is ingest only: it knows nothing of what analyses its frames',
  },
  {
    files: ['services/pose/**/*.ts'],
    parts: ['camera', 'pipeline', 'tracking', 'behaviour', 'alerts', 'clips', 'push', 'api'],
    why: 'pose runs the model on a frame it is given; it knows no stage around it',
  },
  {
    files: ['services/tracking/**/*.ts'],
    parts: ['camera', 'pipeline', 'pose', 'behaviour', 'alerts', 'clips', 'push', 'api'],
    why: 'tracking follows the poses it is given; it knows no stage around it',
  },
  {
    files: ['services/behaviour/**/*.ts'],
    parts: ['camera', 'pipeline', 'alerts', 'clips', 'push', 'api', 'analysis'],
    why: 'rules know nothing of the loop that calls them or of delivery',
  },
  {
    files: ['services/alerts/**/*.ts'],
    parts: ['camera', 'pose', 'tracking', 'analysis'],
    why: 'alerts deliver rule events; they read no stream and run no model',
  },
  {
    files: ['services/clips/**/*.ts'],
    parts: ['pipeline', 'pose', 'tracking', 'behaviour', 'push', 'api', 'analysis'],
    why: 'clips record the stream and cut incidents; they know no model or rule',
  },
  {
    files: ['services/push/**/*.ts'],
    parts: ['camera', 'pipeline', 'pose', 'tracking', 'behaviour', 'clips', 'analysis'],
    why: 'push delivers alerts to phones; it knows no stage before the alert',
  },
  {
    files: ['services/api/**/*.ts'],
    parts: ['camera', 'pipeline', 'pose', 'tracking', 'analysis', 'doctor'],
    why: 'the API runs no model and no stream: it reaches the daemon through ApiContext',
  },
  {
    files: ['services/api/routes/**/*.ts'],
    parts: ['camera', 'pipeline', 'pose', 'tracking', 'analysis', 'doctor', 'server'],
    why: 'the API runs no model and no stream; routes take their types from api-context.ts, not server.ts (which imports every route)',
  },
  {
    files: ['services/pipeline/**/*.ts'],
    parts: ['api', 'push', 'analysis', 'doctor'],
    why: 'the per-frame loop knows nothing of the API or of the tools around it',
  },
];

/** An import source any number of `../` up, then one of `parts`. */
function partsRegex(parts) {
  return `^(\\.\\./)+(${parts.join('|')})(/|$)`;
}

/** A config object that forbids one part's never-imports (and imports of the console). */
function neverImport({ files, parts, regex, why }) {
  const source = regex ?? partsRegex([...parts, 'console']);
  return {
    files,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: source, caseSensitive: true, message: `${why} (docs/architecture.md).` },
          ],
        },
      ],
    },
  };
}

export default tseslint.config(
  { ignores: ['scratch/**', 'dist/**', 'node_modules/**', 'data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-empty': ['error', { allowEmptyCatch: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['console/src/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  ...NEVER_IMPORTS.map((n) => neverImport(n)),
  {
    files: ['console/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\./|\\.\\./\\.\\./services/core/contract\\.js$)',
              caseSensitive: true,
              message:
                'the console imports only its own files and the message contract (services/core/contract.d.ts): it is built without a bundler (docs/architecture.md).',
            },
          ],
        },
      ],
    },
  },
);
