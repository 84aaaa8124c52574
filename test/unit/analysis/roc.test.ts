import { aucPr, aucRoc } from '../../../services/analysis/roc';

test.each([
  [[0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1], 0.75],
  [[1, 2, 3, 4], [0, 0, 1, 1], 1],
  [[4, 3, 2, 1], [0, 0, 1, 1], 0],
  [[1, 1, 1, 1], [0, 1, 0, 1], 0.5],
])('AUC-ROC of %j with labels %j is %s (sklearn values)', (s, l, want) => {
  expect(aucRoc(s, l)).toBeCloseTo(want, 10);
});

test('average precision matches sklearn on a small case', () => {
  // sklearn.metrics.average_precision_score([0,0,1,1], [0.1,0.4,0.35,0.8]) == 0.8333...
  expect(aucPr([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.8333333, 6);
  expect(aucPr([1, 2], [0, 0])).toBeNaN();
});
