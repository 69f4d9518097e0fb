/** One line of `satoken doctor`. */
export interface CheckResult {
  /** what was checked: `node`, `port`, `keys`, `data`, `store`, `kubectl`, `kubeconfig` */
  check: string;
  /** `fail`: a first run will not work until this is fixed; `warn`: it works, with a catch */
  status: 'ok' | 'warn' | 'fail';
  /** one sentence: what was found and, unless ok, what to do */
  detail: string;
}

export const ok = (check: string, detail: string): CheckResult => ({ check, status: 'ok', detail });
export const warn = (check: string, detail: string): CheckResult => ({ check, status: 'warn', detail });
export const fail = (check: string, detail: string): CheckResult => ({ check, status: 'fail', detail });
