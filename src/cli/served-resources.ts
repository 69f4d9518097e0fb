import { apiVersionOf, type ResourceInfo, RESOURCES, REVIEW_RESOURCES } from '../registry/kinds.js';

/** Every verb of a stored kind, as kinds.ts gives it to most of them. */
const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/**
 * The markers around the generated list in README.md; `npm run readme` rewrites what is between.
 * IMPORTANT: test/readme.test.ts fails when README.md's list differs from servedResourcesMarkdown().
 */
export const SERVED_RESOURCES_BEGIN = '<!-- served-resources: generated from src/registry/kinds.ts by `npm run readme`; do not edit -->';
export const SERVED_RESOURCES_END = '<!-- end served-resources -->';

function verbs(v: readonly string[]): string {
  const sorted = [...v].sort();
  return sorted.join(',') === [...ALL_VERBS].sort().join(',') ? 'all' : sorted.join(', ');
}

function row(r: ResourceInfo, name = r.resource, kind = r.kind, v = r.verbs): string {
  return `| \`${name}\` | ${kind} | \`${apiVersionOf(r)}\` | ${r.namespaced ? 'yes' : 'no'} | ${verbs(v)} | ${r.shortNames.map((s) => `\`${s}\``).join(', ')} |`;
}

/**
 * The resources the API server serves, as a Markdown table: every stored kind with its
 * subresources, then the create-only reviews, in the order of src/registry/kinds.ts.
 * @example
 * servedResourcesMarkdown().split('\n')[2]; // '| `namespaces` | Namespace | `v1` | no | all | `ns` |'
 */
export function servedResourcesMarkdown(): string {
  const lines = ['| resource | kind | apiVersion | namespaced | verbs | short names |', '| --- | --- | --- | --- | --- | --- |'];
  for (const r of RESOURCES) {
    lines.push(row(r));
    for (const s of r.subresources) lines.push(row({ ...r, group: s.group, version: s.version, shortNames: [] }, `${r.resource}/${s.name}`, s.kind, s.verbs));
  }
  for (const r of REVIEW_RESOURCES) lines.push(row(r));
  return lines.join('\n');
}

/**
 * README.md with the list between the markers replaced by the current one.
 * @example
 * writeFileSync('README.md', withServedResources(readFileSync('README.md', 'utf8')));
 */
export function withServedResources(readme: string): string {
  const begin = readme.indexOf(SERVED_RESOURCES_BEGIN);
  const end = readme.indexOf(SERVED_RESOURCES_END);
  if (begin < 0 || end < begin) throw new Error(`README.md lacks the markers ${SERVED_RESOURCES_BEGIN} ... ${SERVED_RESOURCES_END}`);
  return `${readme.slice(0, begin + SERVED_RESOURCES_BEGIN.length)}\n${servedResourcesMarkdown()}\n${readme.slice(end)}`;
}
