import type { TokenReport, TimeField } from './inspect.js';
import type { Verdict } from './verify.js';

const TYPE_NAMES: Record<TokenReport['type'], string> = {
  bound: 'bound service-account token (TokenRequest)',
  legacy: 'legacy service-account token (Secret-based, never expires)',
  other: 'JWT (not a Kubernetes service-account token)',
};

function time(t: TimeField | null): string | undefined {
  return t ? `${t.rfc3339} (${t.relative})` : undefined;
}

/** The human form of `satoken decode`. */
export function renderReport(r: TokenReport, verdict?: Verdict): string {
  const rows: Array<[string, string | undefined]> = [
    ['Type', TYPE_NAMES[r.type]],
    ['Issuer', r.issuer ?? undefined],
    ['Subject', r.subject ?? undefined],
    ['Audiences', r.audiences.length ? r.audiences.join(', ') : r.type === 'legacy' ? '(none: the API server audiences apply)' : undefined],
    ['Service account', r.serviceAccount ? `${r.serviceAccount.namespace}/${r.serviceAccount.name}${r.serviceAccount.uid ? ` (uid ${r.serviceAccount.uid})` : ''}` : undefined],
    ['Bound to', r.boundObject ? `${r.boundObject.kind} ${r.boundObject.name}${r.boundObject.uid ? ` (uid ${r.boundObject.uid})` : ''}` : r.type === 'bound' ? 'nothing (only the service account)' : undefined],
    ['Node', r.node && r.boundObject?.kind !== 'Node' ? `${r.node.name}${r.node.uid ? ` (uid ${r.node.uid})` : ' (no uid: the Node did not exist at issue time)'}` : undefined],
    ['Credential ID', r.credentialId ?? undefined],
    ['Issued', time(r.times.issuedAt)],
    ['Not before', time(r.times.notBefore)],
    ['Expires', r.times.expiresAt ? `${r.times.expiresAt.rfc3339} (${r.expired ? `expired ${r.times.expiresAt.relative}` : `expires ${r.times.expiresAt.relative}`})` : r.type === 'legacy' ? 'never' : undefined],
    ['Warn after', r.times.warnAfter ? `${time(r.times.warnAfter)}; the JWT is extended, the kubelet rotates it as if it expired then` : undefined],
    ['Lifetime', r.lifetime ?? undefined],
    ['Header', JSON.stringify(r.header)],
  ];
  if (verdict) {
    const problems = verdict.problems ?? (verdict.reason ? [verdict.reason] : []);
    const how = verdict.mode === 'server' ? 'TokenReview by the server' : 'offline against the JWKS';
    rows.push(['Verification', verdict.valid ? `valid (${how})` : problems.length > 1 ? `rejected (${how}), ${problems.length} problems:` : `rejected: ${verdict.reason}`]);
    if (problems.length > 1) for (const p of problems) rows.push(['', `- ${p}`]);
    if (verdict.notChecked?.length) rows.push(['Not checked', verdict.notChecked.join('; ')]);
  }
  const width = Math.max(...rows.filter(([, v]) => v !== undefined).map(([k]) => k.length)) + 2;
  return `${rows
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${(k ? `${k}:` : '').padEnd(width)}${v}`)
    .join('\n')}\n`;
}
