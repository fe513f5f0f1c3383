import { compileRoute, InvalidRouteKeyError, RouteTable } from '../../../../local/services/http-api/routing';

function table(...keys: string[]): RouteTable<string> {
  return new RouteTable(keys.map((key) => compileRoute(key, key)));
}

describe('HTTP API route selection', () => {
  it('prefers an exact route with the method over ANY, greedy and $default', () => {
    // Prepare
    const routes = table('$default', 'ANY /{proxy+}', 'GET /{proxy+}', 'ANY /pets', 'GET /pets');
    // Act
    const match = routes.match('GET', '/pets');
    // Assess
    expect(match?.route.routeKey).toBe('GET /pets');
  });

  it('lets ANY serve a method without an explicit route', () => {
    const routes = table('GET /pets', 'ANY /pets');
    expect(routes.match('DELETE', '/pets')?.route.routeKey).toBe('ANY /pets');
  });

  it('lets more specific static segments beat variables', () => {
    const routes = table('GET /pets/{kind}/{id}', 'GET /pets/dog/{id}', 'GET /pets/dog/1');
    expect(routes.match('GET', '/pets/dog/1')?.route.routeKey).toBe('GET /pets/dog/1');
    expect(routes.match('GET', '/pets/dog/2')).toEqual({
      route: expect.objectContaining({ routeKey: 'GET /pets/dog/{id}' }),
      pathParameters: { id: '2' },
    });
    expect(routes.match('GET', '/pets/cat/2')?.pathParameters).toEqual({ kind: 'cat', id: '2' });
  });

  it('falls back to a greedy route, whose value keeps the slashes', () => {
    const routes = table('GET /pets/{id}', 'GET /pets/{proxy+}');
    const match = routes.match('GET', '/pets/a/b');
    expect(match?.route.routeKey).toBe('GET /pets/{proxy+}');
    expect(match?.pathParameters).toEqual({ proxy: 'a/b' });
  });

  it('does not let a greedy variable match zero segments', () => {
    const routes = table('GET /pets/{proxy+}');
    expect(routes.match('GET', '/pets')).toBeUndefined();
  });

  it('uses $default when nothing else matches, and nothing when there is no $default', () => {
    expect(table('GET /a', '$default').match('POST', '/b')?.route.routeKey).toBe('$default');
    expect(table('GET /a').match('POST', '/a')).toBeUndefined();
  });

  it('matches paths case-sensitively and decodes parameters', () => {
    const routes = table('GET /Pets/{id}');
    expect(routes.match('GET', '/pets/1')).toBeUndefined();
    expect(routes.match('GET', '/Pets/a%20b')?.pathParameters).toEqual({ id: 'a b' });
  });

  it('rejects a greedy variable that is not the last segment', () => {
    expect(() => compileRoute('GET /{proxy+}/x', null)).toThrow(InvalidRouteKeyError);
    expect(() => compileRoute('GET', null)).toThrow(InvalidRouteKeyError);
  });
});
