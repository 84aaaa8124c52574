import { MAX_JSON_DEPTH, jsonDepth, parseJsonBody } from '../../../services/api/json-body';

test.each([
  ['1', 0],
  ['{}', 1],
  ['{"a":[1,{"b":[]}]}', 4],
  ['{"s":"[[[[{{{{"}', 1],
  ['{"s":"a\\"[[[["}', 1],
  ['[[],[[]]]', 3],
])('the depth of %s is %i (brackets in strings do not count)', (text, depth) => {
  expect(jsonDepth(text)).toBe(depth);
});

test('bodies deeper than the bound are refused before JSON.parse; others parse', () => {
  const ok = '['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH);
  expect(parseJsonBody(ok)).toBeInstanceOf(Array);
  const deep = '['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1);
  expect(() => parseJsonBody(deep)).toThrow(
    expect.objectContaining({ code: 'VIGIL_ERR_REQUEST_INVALID' }),
  );
  expect(() => parseJsonBody('{')).toThrow(expect.objectContaining({ code: 'VIGIL_ERR_BAD_JSON' }));
  expect(() => parseJsonBody('  ')).toThrow(
    expect.objectContaining({ code: 'VIGIL_ERR_BAD_JSON' }),
  );
});
