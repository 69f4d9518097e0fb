import { describe, expect, it } from 'vitest';
import { restRequestUrl } from '../../src/client/server-url.js';

describe('restRequestUrl (DefaultServerURL and the REST client request URL)', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['a URL keeps its scheme, loses its query and cleans its path', { server: 'https://authz.example//v1/./sar/?x=1#f' }, 'https://authz.example/v1/sar'],
    ['a bare host:port is http', { server: '127.0.0.1:8443' }, 'http://127.0.0.1:8443/'],
    ['a bare host:port with a CA is https', { server: '127.0.0.1:8443', caData: 'PEM' }, 'https://127.0.0.1:8443/'],
    ['a bare host:port with the insecure flag is https', { server: 'authz:443', insecureSkipTLSVerify: true }, 'https://authz/'],
    ['no server is localhost', { server: '' }, 'http://localhost/'],
  ])('%s', (_name, conn, href) => {
    expect(restRequestUrl(conn as { server: string }).href).toBe(href);
  });

  it('refuses a bare host with a path, in Go\'s words', () => {
    expect(() => restRequestUrl({ server: '127.0.0.1:8443/authorize' })).toThrow('host must be a URL or a host:port pair: "127.0.0.1:8443/authorize"');
  });
});
