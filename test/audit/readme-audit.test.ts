import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { parsePolicy } from '../../src/audit/policy-file.js';

const README = readFileSync(resolve(__dirname, '..', '..', 'README.md'), 'utf8');
const section = README.slice(README.indexOf('## Audit'), README.indexOf('\n## ', README.indexOf('## Audit') + 1));

describe('README: the audit section', () => {
  it('its policy is a valid audit.k8s.io/v1 Policy', () => {
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)![1]!;
    const { policy, warnings } = parsePolicy(yaml);
    expect(warnings).toEqual([]);
    expect(policy.rules.map((r) => r.level)).toEqual(['RequestResponse', 'None', 'Metadata']);
  });

  it('its log excerpt is an Event with the members in Go\'s order', () => {
    const json = /```json\n([\s\S]*?)```/.exec(section)![1]!.replace(/\n\s*/g, '');
    const ev = JSON.parse(json) as Record<string, unknown>;
    expect(Object.keys(ev)).toEqual(['kind', 'apiVersion', 'level', 'auditID', 'stage', 'requestURI', 'verb', 'user', 'sourceIPs', 'userAgent', 'objectRef', 'responseStatus', 'requestReceivedTimestamp', 'stageTimestamp', 'annotations']);
  });

  it('runs the library example and prints what the comments say', async () => {
    const block = /```ts\n([\s\S]*?)```/.exec(section)![1]!;
    const expected = [...block.matchAll(/^\/\/ (.+)$/gm)].map((m) => m[1]).filter((l) => !l!.startsWith('the code under test'));
    const src = resolve(__dirname, '..', '..', 'src', 'index.ts');
    const cache = resolve(__dirname, '..', '..', 'node_modules', '.cache');
    mkdirSync(cache, { recursive: true });
    const dir = mkdtempSync(join(cache, 'readme-audit-'));
    const file = join(dir, 'example.ts');
    writeFileSync(file, block.replace("from 'satoken'", `from ${JSON.stringify(pathToFileURL(src).href)}`));
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await import(pathToFileURL(file).href);
      expect(log.mock.calls.map((c) => String(c[0]))).toEqual(expected);
    } finally {
      log.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
