// Median and range over repetitions; figures are summarised as {median, min, max, n}.
export function summarise(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = Math.floor(v.length / 2);
  const median = v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  return { median, min: v[0], max: v[v.length - 1], n: v.length };
}

export const ratio = (ours, theirs) => (ours && theirs && theirs.median !== 0 ? ours.median / theirs.median : null);
