/** Calls `fn` once per run of equal scores in `order` (indexes sorted by score), with its bounds. */
function tieGroups(
  order: readonly number[],
  scores: readonly number[],
  fn: (from: number, to: number) => void,
): void {
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1]!] === scores[order[i]!]) j++;
    fn(i, j);
    i = j + 1;
  }
}

/** Area under the ROC curve (ties count half), from scores and 0/1 labels. */
export function aucRoc(scores: readonly number[], labels: readonly number[]): number {
  const order = scores.map((_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let pos = 0;
  let neg = 0;
  let rankSum = 0;
  tieGroups(order, scores, (i, j) => {
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (labels[order[k]!] === 1) {
        pos++;
        rankSum += avgRank;
      } else neg++;
    }
  });
  if (pos === 0 || neg === 0) return NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Area under the precision-recall curve (average precision, step-wise; ties grouped). */
export function aucPr(scores: readonly number[], labels: readonly number[]): number {
  const order = scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const positives = labels.filter((l) => l === 1).length;
  if (positives === 0) return NaN;
  let tp = 0;
  let fp = 0;
  let ap = 0;
  let prevRecall = 0;
  tieGroups(order, scores, (i, j) => {
    for (let k = i; k <= j; k++) {
      if (labels[order[k]!] === 1) tp++;
      else fp++;
    }
    const recall = tp / positives;
    ap += (recall - prevRecall) * (tp / (tp + fp));
    prevRecall = recall;
  });
  return ap;
}
