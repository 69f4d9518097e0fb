/**
 * What a benchmark prints: a section per benchmark with its figures next to their baselines, and
 * goal verdicts collected for the one-line summary at the end of `npm run bench`.
 */

export type Verdict = 'PASS' | 'FAIL' | 'INFO' | 'NOT IMPLEMENTED' | 'ERROR';

export interface GoalResult {
  /** short name in the summary, e.g. `issuance` */
  id: string;
  /** the measured figure as the summary shows it, e.g. `0.97` or `0.31s` */
  measured: string;
  /** the goal, e.g. `≥0.85` */
  goal: string;
  verdict: Verdict;
}

export interface BenchContext {
  quick: boolean;
  report: Reporter;
}

const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 12,345 */
export function n0(x: number): string {
  return Number.isFinite(x) ? int.format(x) : String(x);
}

/** x with `digits` decimals */
export function fx(x: number, digits = 2): string {
  return Number.isFinite(x) ? x.toFixed(digits) : String(x);
}

/** `3,412/CPU-s  2,980/s` */
export function rates(r: { perCpuS: number; perS: number }): string {
  return `${n0(r.perCpuS).padStart(9)}/CPU-s ${n0(r.perS).padStart(9)}/s`;
}

export class Reporter {
  readonly goals: GoalResult[] = [];

  constructor(private readonly out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)) {}

  section(title: string): void {
    this.out('');
    this.out(`== ${title}`);
  }

  /** One figure: a label and its value (the label padded so values line up). */
  line(label: string, value: string): void {
    this.out(`  ${label.padEnd(58)} ${value}`);
  }

  note(text: string): void {
    this.out(`  · ${text}`);
  }

  /** Records a goal verdict and prints it. */
  goal(g: GoalResult, detail = ''): void {
    this.goals.push(g);
    this.out(`  => ${g.id}: ${g.measured} (goal ${g.goal}) ${g.verdict}${detail ? `  ${detail}` : ''}`);
  }

  /** The one-line summary of every goal, in the order recorded. */
  summary(): string {
    const parts = this.goals.map((g) => (g.verdict === 'NOT IMPLEMENTED' || g.verdict === 'ERROR' ? `${g.id} ${g.verdict}` : `${g.id} ${g.measured} (${g.goal}) ${g.verdict}`));
    const pass = this.goals.filter((g) => g.verdict === 'PASS').length;
    const judged = this.goals.filter((g) => g.verdict === 'PASS' || g.verdict === 'FAIL').length;
    return `SUMMARY ${pass}/${judged} goals pass: ${parts.join(' | ')}`;
  }

  print(line = ''): void {
    this.out(line);
  }
}

/** A verdict from a boolean. */
export function verdict(ok: boolean): Verdict {
  return ok ? 'PASS' : 'FAIL';
}
