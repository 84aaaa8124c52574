// Lints one import per case with the project's eslint.config.mjs (ESLint's Node API), in its own
// process: ESLint loads the config with import(), which jest's module sandbox does not run.
// stdin: [{ file, source }] (file: a virtual path under the repo); stdout: per case, the messages
// of no-restricted-imports.
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const eslint = new ESLint({ cwd: root, overrideConfigFile: path.join(root, 'eslint.config.mjs') });
const cases = JSON.parse(readFileSync(0, 'utf8'));
const answers = [];
for (const { file, source } of cases) {
  const text = `import type { Thing } from '${source}';\nexport type Again = Thing;\n`;
  const [result] = await eslint.lintText(text, { filePath: path.join(root, file) });
  answers.push(
    result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message),
  );
}
process.stdout.write(JSON.stringify(answers));
