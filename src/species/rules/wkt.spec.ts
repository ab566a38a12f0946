import { wktPolygonProblem } from './wkt.js';

describe('wktPolygonProblem', () => {
  it('accepts closed polygons and multipolygons in range', () => {
    expect(wktPolygonProblem('POLYGON((-10 40,10 40,10 60,-10 60,-10 40))')).toBeNull();
    expect(wktPolygonProblem('MULTIPOLYGON(((0 0,1 0,1 1,0 0)),((5 5,6 5,6 6,5 5)))')).toBeNull();
  });

  it('says what is wrong with anything else', () => {
    expect(wktPolygonProblem('POLYGON((bad')).toMatch(/^not WKT|text after/);
    expect(wktPolygonProblem('POLYGON((0 0,1 1,1 0,0 0)) junk')).toBe('text after the geometry');
    expect(wktPolygonProblem('POLYGON((0 0,1 1,1 0))')).toBe('a ring has fewer than 4 positions');
    expect(wktPolygonProblem('POLYGON((0 0,1 1,1 0,2 2))')).toBe('a ring is not closed');
    expect(wktPolygonProblem('POLYGON((0 0,200 1,1 0,0 0))')).toMatch(/outside/);
    expect(wktPolygonProblem('POINT(1 2)')).toBe('a Point, not a POLYGON or MULTIPOLYGON');
    expect(wktPolygonProblem("'; DROP TABLE users; --")).toMatch(/^not WKT|text after/);
  });
});
