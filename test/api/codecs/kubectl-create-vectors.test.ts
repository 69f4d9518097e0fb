import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeKubernetesProtobuf } from '../../../src/api/codecs/protobuf.js';
import { StatusError } from '../../../src/errors/index.js';

/**
 * Bodies kubectl 1.33.1 sent for `kubectl create deployment|job|cronjob|service|ingress|pdb|quota`
 * (captured from a plain HTTP server standing in for the API, as kubectl-protobuf-vectors.jsonl
 * was). Each `decoded` was checked two ways: `protoc --decode_raw` for the field numbers, and
 * `kubectl create … --dry-run=client -o json` for the JSON meaning (which shows empty structs
 * such as `resources: {}` that this decoder, like the other vectors, leaves out).
 */
interface Vector {
  command: string;
  path: string;
  query: string;
  contentType: string;
  bodyBase64: string;
  decoded: Record<string, unknown>;
}
const vectors = readFileSync(resolve(__dirname, 'kubectl-1.33-create-vectors.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as Vector);

describe('protobuf bodies of kubectl 1.33 create commands for the workload, service and policy kinds', () => {
  it('has the fourteen captured vectors, all protobuf, all with fieldValidation=Strict', () => {
    expect(vectors).toHaveLength(14);
    for (const v of vectors) {
      expect(v.contentType).toBe('application/vnd.kubernetes.protobuf');
      expect(v.query).toBe('?fieldManager=kubectl-create&fieldValidation=Strict');
    }
  });

  it.each(vectors)('decodes `$command` to its JSON meaning', ({ bodyBase64, decoded }) => {
    expect(decodeKubernetesProtobuf(Buffer.from(bodyBase64, 'base64')).object).toStrictEqual(decoded);
  });

  it('renders IntOrString as a number or a string, Quantity as its string, and an IngressRule with its http inline', () => {
    const byCommand = (prefix: string) => vectors.find((v) => v.command.startsWith(prefix))!.decoded as { spec: Record<string, unknown> };
    expect(byCommand('kubectl create service clusterip web').spec.ports).toEqual([{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080 }]);
    expect(byCommand('kubectl create pdb pdb2').spec.maxUnavailable).toBe('50%');
    expect(byCommand('kubectl create quota').spec.hard).toEqual({ pods: '10', 'requests.cpu': '2' });
    expect((byCommand('kubectl create ingress').spec.rules as unknown[])[0]).toEqual({ host: 'a.example.com', http: { paths: [{ path: '/', pathType: 'Exact', backend: { service: { name: 'web', port: { number: 80 } } } }] } });
  });

  it.each(vectors)('answers 400 to every cut of `$command` inside its object bytes', ({ bodyBase64 }) => {
    const body = Buffer.from(bodyBase64, 'base64');
    for (let length = 0; length < body.length - 4; length += 7) {
      let thrown: unknown;
      try {
        decodeKubernetesProtobuf(body.subarray(0, length));
      } catch (e) {
        thrown = e;
      }
      expect(thrown, `cut at ${length}`).toBeInstanceOf(StatusError);
      expect((thrown as StatusError).code).toBe(400);
    }
  });
});
