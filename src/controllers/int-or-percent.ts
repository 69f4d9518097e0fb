/**
 * `intstr.GetScaledValueFromIntOrPercent` (apimachinery/pkg/util/intstr): an int as is, a
 * percentage of `total` rounded up or down; undefined for a value that is neither (validation
 * refuses those before a controller sees them).
 * @example
 * scaledValue('25%', 3, true); // 1
 * scaledValue('25%', 3, false); // 0
 */
export function scaledValue(v: unknown, total: number, roundUp: boolean): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return undefined;
  const m = /^(\d+)%$/.exec(v);
  if (!m) return undefined;
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}
