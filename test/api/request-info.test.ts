import { describe, expect, it } from 'vitest';
import { isTrue, MalformedPathError, parseFieldSelector, Query, requestInfo, RequestInfoError, unescapePath } from '../../src/api/request-info.js';

/**
 * RequestInfoFactory.NewRequestInfo as staging/src/k8s.io/apiserver/pkg/endpoints/request/
 * requestinfo_test.go pins it (TestGetAPIRequestInfo, TestGetNonAPIRequestInfo,
 * TestFieldSelectorParsing), with Go's url.PathUnescape and fields.ParseSelector.
 */
function info(method: string, url: string) {
  const [path, search = ''] = url.split('?') as [string, string?];
  return requestInfo(method, path, new Query(search));
}

describe('TestGetAPIRequestInfo: resource requests', () => {
  // method, url, verb, prefix, group, version, namespace, resource, subresource, name, parts
  it.each([
    ['GET', '/api/v1/namespaces', 'list', 'api', '', 'v1', '', 'namespaces', '', '', ['namespaces']],
    ['GET', '/api/v1/namespaces/other', 'get', 'api', '', 'v1', 'other', 'namespaces', '', 'other', ['namespaces', 'other']],
    ['GET', '/api/v1/namespaces/other/pods', 'list', 'api', '', 'v1', 'other', 'pods', '', '', ['pods']],
    ['GET', '/api/v1/namespaces/other/pods/foo', 'get', 'api', '', 'v1', 'other', 'pods', '', 'foo', ['pods', 'foo']],
    ['HEAD', '/api/v1/namespaces/other/pods/foo', 'get', 'api', '', 'v1', 'other', 'pods', '', 'foo', ['pods', 'foo']],
    ['GET', '/api/v1/pods', 'list', 'api', '', 'v1', '', 'pods', '', '', ['pods']],
    ['HEAD', '/api/v1/pods', 'list', 'api', '', 'v1', '', 'pods', '', '', ['pods']],
    ['PATCH', '/api/v1/namespaces/new-namespace', 'patch', 'api', '', 'v1', 'new-namespace', 'namespaces', '', 'new-namespace', ['namespaces', 'new-namespace']],
    // special verbs
    ['GET', '/api/v1/proxy/namespaces/other/pods/foo', 'proxy', 'api', '', 'v1', 'other', 'pods', '', 'foo', ['pods', 'foo']],
    ['GET', '/api/v1/proxy/namespaces/other/pods/foo/subpath/not/a/subresource', 'proxy', 'api', '', 'v1', 'other', 'pods', '', 'foo', ['pods', 'foo', 'subpath', 'not', 'a', 'subresource']],
    ['GET', '/api/v1/watch/pods', 'watch', 'api', '', 'v1', '', 'pods', '', '', ['pods']],
    ['GET', '/api/v1/pods?watch=true', 'watch', 'api', '', 'v1', '', 'pods', '', '', ['pods']],
    ['GET', '/api/v1/pods?watch=false', 'list', 'api', '', 'v1', '', 'pods', '', '', ['pods']],
    ['GET', '/api/v1/pods?watch=FALSE', 'list', 'api', '', 'v1', '', 'pods', '', '', ['pods']],
    ['GET', '/api/v1/watch/namespaces/other/pods', 'watch', 'api', '', 'v1', 'other', 'pods', '', '', ['pods']],
    ['GET', '/api/v1/namespaces/other/pods?watch=1', 'watch', 'api', '', 'v1', 'other', 'pods', '', '', ['pods']],
    ['GET', '/api/v1/namespaces/other/pods?watch=0', 'list', 'api', '', 'v1', 'other', 'pods', '', '', ['pods']],
    ['GET', '/api/v1/namespaces/other/pods?watch=0&watch=1', 'list', 'api', '', 'v1', 'other', 'pods', '', '', ['pods']],
    ['GET', '/api/v1/namespaces/other/pods?watch=', 'watch', 'api', '', 'v1', 'other', 'pods', '', '', ['pods']],
    // a watch with a name is a watch of one object; a get with ?watch stays a get
    ['GET', '/api/v1/watch/namespaces/other/pods/foo', 'watch', 'api', '', 'v1', 'other', 'pods', '', 'foo', ['pods', 'foo']],
    ['GET', '/api/v1/namespaces/other/pods/foo?watch=1', 'get', 'api', '', 'v1', 'other', 'pods', '', 'foo', ['pods', 'foo']],
    // subresource identification
    ['GET', '/api/v1/namespaces/other/pods/foo/status', 'get', 'api', '', 'v1', 'other', 'pods', 'status', 'foo', ['pods', 'foo', 'status']],
    ['GET', '/api/v1/namespaces/other/pods/foo/proxy/subpath', 'get', 'api', '', 'v1', 'other', 'pods', 'proxy', 'foo', ['pods', 'foo', 'proxy', 'subpath']],
    ['PUT', '/api/v1/namespaces/other/finalize', 'update', 'api', '', 'v1', 'other', 'namespaces', 'finalize', 'other', ['namespaces', 'other', 'finalize']],
    ['PUT', '/api/v1/namespaces/other/status', 'update', 'api', '', 'v1', 'other', 'namespaces', 'status', 'other', ['namespaces', 'other', 'status']],
    // verb identification
    ['PATCH', '/api/v1/namespaces/other/pods/foo', 'patch', 'api', '', 'v1', 'other', 'pods', '', 'foo', ['pods', 'foo']],
    ['DELETE', '/api/v1/namespaces/other/pods/foo', 'delete', 'api', '', 'v1', 'other', 'pods', '', 'foo', ['pods', 'foo']],
    ['POST', '/api/v1/namespaces/other/pods', 'create', 'api', '', 'v1', 'other', 'pods', '', '', ['pods']],
    ['PUT', '/api/v1/namespaces/other/pods/foo', 'update', 'api', '', 'v1', 'other', 'pods', '', 'foo', ['pods', 'foo']],
    ['OPTIONS', '/api/v1/namespaces/other/pods', '', 'api', '', 'v1', 'other', 'pods', '', '', ['pods']],
    // deletecollection verb identification
    ['DELETE', '/api/v1/nodes', 'deletecollection', 'api', '', 'v1', '', 'nodes', '', '', ['nodes']],
    ['DELETE', '/api/v1/namespaces', 'deletecollection', 'api', '', 'v1', '', 'namespaces', '', '', ['namespaces']],
    ['DELETE', '/api/v1/namespaces/other/pods', 'deletecollection', 'api', '', 'v1', 'other', 'pods', '', '', ['pods']],
    ['DELETE', '/apis/extensions/v1/namespaces/other/pods', 'deletecollection', 'apis', 'extensions', 'v1', 'other', 'pods', '', '', ['pods']],
    // api group and version identification
    ['POST', '/apis/extensions/v1/namespaces/other/pods', 'create', 'apis', 'extensions', 'v1', 'other', 'pods', '', '', ['pods']],
    ['POST', '/apis/extensions/v1beta3/namespaces/other/pods', 'create', 'apis', 'extensions', 'v1beta3', 'other', 'pods', '', '', ['pods']],
    ['GET', '/apis/batch/v1/job/foo/scale', 'get', 'apis', 'batch', 'v1', '', 'job', 'scale', 'foo', ['job', 'foo', 'scale']],
    // trailing slashes are trimmed; an empty namespace segment is the empty namespace, as in Go
    ['GET', '/api/v1/namespaces/other/pods/', 'list', 'api', '', 'v1', 'other', 'pods', '', '', ['pods']],
    ['GET', '//api/v1/namespaces/other/pods//', 'list', 'api', '', 'v1', 'other', 'pods', '', '', ['pods']],
    ['GET', '/api/v1/namespaces//pods', 'list', 'api', '', 'v1', '', 'pods', '', '', ['pods']],
    ['GET', '/api/v1/namespaces/other/pods//status', 'list', 'api', '', 'v1', 'other', 'pods', 'status', '', ['pods', '', 'status']],
  ])('%s %s: %s', (method, url, verb, apiPrefix, apiGroup, apiVersion, namespace, resource, subresource, name, parts) => {
    const r = info(method, url);
    expect(r).toMatchObject({ isResourceRequest: true, verb, apiPrefix, apiGroup, apiVersion, namespace, resource, subresource, name, parts });
    expect(r.path).toBe(url.split('?')[0]);
  });

  it('is a proxy or watch verb only right after the version, and needs something after it', () => {
    expect(() => info('GET', '/api/v1/watch')).toThrow(RequestInfoError);
    expect(() => info('GET', '/apis/apps/v1/proxy')).toThrow(new RequestInfoError('unable to determine kind and namespace from url, /apis/apps/v1/proxy'));
    expect(info('GET', '/api/v1/namespaces/watch/pods')).toMatchObject({ verb: 'list', namespace: 'watch', resource: 'pods' });
  });
});

describe('TestGetNonAPIRequestInfo: what is not a resource request', () => {
  it.each([
    ['/api/version/resource', true],
    ['/apis/group/version/resource/name/subresource', true],
    ['/api/version/resource/name/subresource', true],
    ['/apis/batch/v1/job', true],
    ['/apis/batch/v1/job/foo', true],
    ['/apis/batch/v1/job/foo/scale', true],
    ['/not-api/version/resource', false],
    ['/apis/extensions/v1beta1', false],
    ['/apis/extensions/v1beta1/', false],
    ['/api/version', false],
    ['/api', false],
    ['/', false],
    ['', false],
    ['/api/version/', false],
    ['/apis/group/version/', false],
    ['/badprefix/version/resource', false],
    ['/apis/version/resource', false],
    ['/healthz/ready/x', false],
  ])('%j: %s', (path, resource) => {
    expect(info('GET', path).isResourceRequest).toBe(resource);
  });

  it('keeps a non-resource request as it came: the lower-case method, no resource fields', () => {
    expect(info('GET', '/openid/v1/jwks')).toEqual({ isResourceRequest: false, path: '/openid/v1/jwks', verb: 'get', apiPrefix: '', apiGroup: '', apiVersion: '', namespace: '', resource: '', subresource: '', name: '', parts: [] });
    expect(info('POST', '/apis/extensions/v1beta1')).toMatchObject({ isResourceRequest: false, verb: 'post', apiPrefix: 'apis', apiGroup: '', apiVersion: '' });
    expect(info('PUT', '/version')).toMatchObject({ verb: 'put', apiPrefix: '' });
  });
});

describe('TestFieldSelectorParsing: a metadata.name selector names the object of a list or watch', () => {
  it.each([
    ['no selector', '/apis/group/version/resource', '', 'list'],
    ['metadata.name selector', '/apis/group/version/resource?fieldSelector=metadata.name=name1', 'name1', 'list'],
    ['metadata.name selector with ==', '/apis/group/version/resource?fieldSelector=metadata.name==name1', 'name1', 'list'],
    ['metadata.name selector with watch', '/apis/group/version/resource?watch=true&fieldSelector=metadata.name=name1', 'name1', 'watch'],
    ['random selector', '/apis/group/version/resource?fieldSelector=foo=bar', '', 'list'],
    ['a != on metadata.name', '/apis/group/version/resource?fieldSelector=metadata.name!=name1', '', 'list'],
    ['invalid selector with metadata.name', '/apis/group/version/resource?fieldSelector=metadata.name=name1,foo', '', 'list'],
    ['invalid selector with metadata.name with watch', '/apis/group/version/resource?fieldSelector=metadata.name=name1,foo&watch=true', '', 'watch'],
    ['invalid selector with metadata.name with watch false', '/apis/group/version/resource?fieldSelector=metadata.name=name1,foo&watch=false', '', 'list'],
    ['a name that is not a path segment name', '/apis/group/version/resource?fieldSelector=metadata.name=..', '', 'list'],
    ['a name of "."', '/apis/group/version/resource?fieldSelector=metadata.name=.', '', 'list'],
    ['a name with a slash', '/apis/group/version/resource?fieldSelector=metadata.name=a/b', '', 'list'],
    ['a name with a percent', `/apis/group/version/resource?fieldSelector=${encodeURIComponent('metadata.name=a%b')}`, '', 'list'],
    ['a watch of a named object keeps its name', '/api/v1/watch/namespaces/other/pods/foo?fieldSelector=metadata.name=bar', 'foo', 'watch'],
    ['a deletecollection (never named)', '/apis/group/version/resource?fieldSelector=metadata.name=name1', '', 'deletecollection'],
  ])('%s', (n, url, name, verb) => {
    const r = info(n.startsWith('a deletecollection') ? 'DELETE' : 'GET', url);
    expect(r.name).toBe(name);
    expect(r.verb).toBe(verb);
  });

  it('keeps the terms of a list, watch or deletecollection for the authorizer, and none for other verbs or a selector that does not parse', () => {
    const terms = [{ field: 'spec.nodeName', operator: '=', value: 'n1' }];
    expect(info('GET', '/api/v1/pods?fieldSelector=spec.nodeName=n1').fieldSelector).toEqual(terms);
    expect(info('GET', '/api/v1/pods?watch=1&fieldSelector=spec.nodeName=n1').fieldSelector).toEqual(terms);
    expect(info('DELETE', '/api/v1/namespaces/a/pods?fieldSelector=spec.nodeName=n1').fieldSelector).toEqual(terms);
    expect(info('GET', '/api/v1/pods').fieldSelector).toEqual([]);
    expect('fieldSelector' in info('GET', '/api/v1/namespaces/a/pods/p?fieldSelector=spec.nodeName=n1')).toBe(false);
    expect('fieldSelector' in info('POST', '/api/v1/namespaces/a/pods?fieldSelector=spec.nodeName=n1')).toBe(false);
    expect('fieldSelector' in info('GET', '/api/v1/pods?fieldSelector=foo')).toBe(false);
  });
});

describe("satoken's short token path", () => {
  it('is the serviceaccounts/token subresource in ?namespace, default "default"', () => {
    expect(info('POST', '/serviceaccounts/robot/token?namespace=team-a')).toEqual({ isResourceRequest: true, path: '/serviceaccounts/robot/token', verb: 'create', apiPrefix: '', apiGroup: '', apiVersion: 'v1', namespace: 'team-a', resource: 'serviceaccounts', subresource: 'token', name: 'robot', parts: ['serviceaccounts', 'robot', 'token'] });
    expect(info('POST', '/serviceaccounts/robot/token/')).toMatchObject({ namespace: 'default', name: 'robot', verb: 'create' });
    expect(info('POST', '/serviceaccounts/robot/token?namespace=')).toMatchObject({ namespace: 'default' });
    expect(info('GET', '/serviceaccounts/robot/token')).toMatchObject({ verb: 'get', resource: 'serviceaccounts', subresource: 'token' });
  });

  it.each(['/serviceaccounts/a/b/token', '/serviceaccounts//token', '/x/serviceaccounts/robot/token', '/serviceaccounts/robot/tokens'])('is only that exact path: not %s', (path) => {
    expect(info('POST', path).resource).toBe('');
  });
});

describe('fields.ParseSelector', () => {
  it.each([
    ['', []],
    ['   ', []],
    ['a=b', [{ field: 'a', operator: '=', value: 'b' }]],
    ['a==b', [{ field: 'a', operator: '=', value: 'b' }]],
    ['a!=b', [{ field: 'a', operator: '!=', value: 'b' }]],
    [' a =b', [{ field: 'a', operator: '=', value: 'b' }]],
    ['a=', [{ field: 'a', operator: '=', value: '' }]],
    ['a=b,c!=d', [{ field: 'a', operator: '=', value: 'b' }, { field: 'c', operator: '!=', value: 'd' }]],
    ['a=b,,c=d', [{ field: 'a', operator: '=', value: 'b' }, { field: 'c', operator: '=', value: 'd' }]],
    ['a=b\\,c', [{ field: 'a', operator: '=', value: 'b,c' }]],
    ['a=b\\=c\\!\\\\', [{ field: 'a', operator: '=', value: 'b=c!\\' }]],
    ['a=b\nc', [{ field: 'a', operator: '=', value: 'b\nc' }]],
  ])('%j', (s, want) => {
    expect(parseFieldSelector(s)).toEqual(want);
  });

  it.each(['foo', '=b', ' =b', 'a=b=c', 'a=b\\', 'a=b\\x', 'a=b,foo', 'a=\\'])('refuses %j', (s) => {
    expect(parseFieldSelector(s)).toBeUndefined();
  });
});

describe("Go's url.PathUnescape", () => {
  it.each([
    ['/api/v1/pods', '/api/v1/pods'],
    ['/api/v1/namespaces/a%2Fb', '/api/v1/namespaces/a/b'],
    ['%41%62%7e%7E', 'Ab~~'],
    ['%e2%82%ac', '€'],
    ['%E2%82%AC', '€'],
    ['%ff', '\ufffd'],
    ['%', 'err:invalid URL escape "%"'],
    ['a%2', 'err:invalid URL escape "%2"'],
    ['%zz', 'err:invalid URL escape "%zz"'],
    ['%g0', 'err:invalid URL escape "%g0"'],
    ['%0g', 'err:invalid URL escape "%0g"'],
    ['%:0', 'err:invalid URL escape "%:0"'],
    ['%/0', 'err:invalid URL escape "%/0"'],
    ['%@0', 'err:invalid URL escape "%@0"'],
    ['%G0', 'err:invalid URL escape "%G0"'],
    ['%`0', 'err:invalid URL escape "%`0"'],
    ['%0/', 'err:invalid URL escape "%0/"'],
    ['%zzabc', 'err:invalid URL escape "%zz"'],
    ['é%41', 'éA'],
    ['%09%0a%0F%9A%Af%fA', '\t\n\u000f\ufffd\ufffd\ufffd'],
  ])('%j', (raw, want) => {
    let got: string;
    try {
      got = unescapePath(raw);
    } catch (e) {
      expect(e).toBeInstanceOf(MalformedPathError);
      got = `err:${(e as Error).message}`;
    }
    expect(got).toBe(want);
  });

  it('names its errors as the pipeline tells them apart', () => {
    expect(new MalformedPathError('x').name).toBe('MalformedPathError');
    expect(new RequestInfoError('x').name).toBe('RequestInfoError');
  });

  it('decodes every byte value of a hex pair', () => {
    for (let b = 0; b < 0x80; b++) {
      const hex = b.toString(16).padStart(2, '0');
      expect(unescapePath(`%${hex}`)).toBe(String.fromCharCode(b));
      expect(unescapePath(`%${hex.toUpperCase()}`)).toBe(String.fromCharCode(b));
    }
  });
});

describe('Query (url.Values)', () => {
  it('keeps every value in order, the first for get, none for an absent key', () => {
    const q = new Query('a=1&b=2&a=3&c=');
    expect(q.get('a')).toBe('1');
    expect(q.all('a')).toEqual(['1', '3']);
    expect(q.get('c')).toBe('');
    expect(q.has('c')).toBe(true);
    expect(q.get('d')).toBeUndefined();
    expect(q.all('d')).toEqual([]);
    expect(q.has('d')).toBe(false);
    expect(new Query('').has('a')).toBe(false);
    expect(new Query('x=%41+b').get('x')).toBe('A b');
  });
});

describe('isTrue (strconv.ParseBool)', () => {
  it.each(['1', 't', 'T', 'true', 'TRUE', 'True', true])('%j is true', (v) => expect(isTrue(v)).toBe(true));
  it.each(['0', 'f', 'false', 'yes', 'tRUE', '', undefined, 1, false])('%j is not', (v) => expect(isTrue(v)).toBe(false));
});
