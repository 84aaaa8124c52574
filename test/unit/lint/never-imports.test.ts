import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * The never-imports of docs/architecture.md, as ESLint enforces them in `npm test`: a wrong import
 * under each part is refused with its reason, a right one passes. Each case lints one import line
 * in a virtual file with the project's eslint.config.mjs (test/helpers/lint-imports.mjs).
 */

const WRONG: [file: string, source: string, why: RegExp][] = [
  [
    'services/behaviour/new-rule.ts',
    '../pipeline/frame-processor',
    /rules know nothing of the loop/,
  ],
  ['services/behaviour/new-rule.ts', '../alerts/alert', /rules know nothing of the loop/],
  ['services/behaviour/new-rule.ts', '../api/api-context', /rules know nothing of the loop/],
  ['services/core/new-helper.ts', '../config/schema', /core imports nothing of services/],
  ['services/api/new-file.ts', '../pose/pose-estimator', /the API runs no model/],
  ['services/api/routes/new-route.ts', '../../pose/pose-estimator', /the API runs no model/],
  ['services/api/routes/new-route.ts', '../server', /not server\.ts/],
  ['services/pipeline/new-step.ts', '../api/server', /knows nothing of the API/],
  ['services/alerts/new-output.ts', '../../console/src/types', /run no model/],
  ['console/src/new-view.ts', '../../services/alerts/alert.js', /imports only its own files/],
  ['console/src/new-view.ts', 'fastify', /imports only its own files/],
];

const RIGHT: [file: string, source: string][] = [
  ['services/behaviour/new-rule.ts', '../core/geometry'],
  ['services/behaviour/new-rule.ts', './zones'],
  ['services/behaviour/new-rule.ts', '../config/schema'],
  ['services/core/new-helper.ts', './types'],
  ['services/api/routes/new-route.ts', '../api-context'],
  ['services/api/routes/new-route.ts', '../../core/since'],
  ['services/pipeline/new-step.ts', '../behaviour/zones'],
  ['console/src/new-view.ts', './types.js'],
  ['console/src/new-view.ts', '../../services/core/contract.js'],
];

let answers: string[][];

beforeAll(() => {
  const cases = [...WRONG, ...RIGHT].map(([file, source]) => ({ file, source }));
  const out = execFileSync(
    process.execPath,
    [path.join(__dirname, '../../helpers/lint-imports.mjs')],
    {
      input: JSON.stringify(cases),
      encoding: 'utf8',
    },
  );
  answers = JSON.parse(out) as string[][];
});

test.each(WRONG.map((c, i) => [...c, i] as const))(
  '%s may not import %s',
  (_file, _source, why, i) => {
    expect(answers[i]).toHaveLength(1);
    expect(answers[i]![0]).toMatch(why);
  },
);

test.each(RIGHT.map((c, i) => [...c, WRONG.length + i] as const))(
  '%s may import %s',
  (_file, _source, i) => {
    expect(answers[i]).toEqual([]);
  },
);
