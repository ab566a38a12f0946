import type { Request } from 'express';
import { routeOf, UNMATCHED_ROUTE } from './http-metrics.js';

const req = (baseUrl: string, route?: { path: unknown }) =>
  ({ baseUrl, route }) as Pick<Request, 'baseUrl' | 'route'>;

describe('routeOf', () => {
  it('is the template the request matched, with the mount path', () => {
    expect(routeOf(req('', { path: '/api/v1/jobs/:id' }))).toBe('/api/v1/jobs/:id');
    expect(routeOf(req('/admin', { path: '/users/:id' }))).toBe('/admin/users/:id');
  });

  it('is one value for every request that matched no route', () => {
    expect(routeOf(req(''))).toBe(UNMATCHED_ROUTE);
  });
});
