/** Three tiers: unit (pure logic, fast), integration (real ffmpeg, broker, model), e2e (whole daemon). */
const transform = { '^.+\\.(t|j)s$': ['@swc/jest', { jsc: { target: 'es2022' } }] };
// `import('./x.js')` (lazy loads in services/) resolves to x.ts under jest.
const moduleNameMapper = { '^(\\.{1,2}/.*)\\.js$': '$1' };
const common = {
  // Node's typed arrays in tests: ONNX Runtime's results are made in Node's realm.
  testEnvironment: '<rootDir>/test/helpers/node-realm-environment.js',
  transform,
  moduleNameMapper,
  moduleFileExtensions: ['ts', 'js', 'json'],
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
    },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
  ],
};
