import { isValidTile, nativeZoom, tileBounds } from './web-mercator.js';

describe('web mercator tiles', () => {
  it('gives the bounds of a tile', () => {
    const world = tileBounds(0, 0, 0);
    expect(world.west).toBe(-180);
    expect(world.east).toBe(180);
    expect(world.north).toBeCloseTo(85.0511, 4);
    expect(world.south).toBeCloseTo(-85.0511, 4);
    const london = tileBounds(10, 511, 340);
    expect(london.west).toBeCloseTo(-0.3516, 4);
    expect(london.east).toBeCloseTo(0, 9);
    expect(london.north).toBeCloseTo(51.618, 4);
    expect(london.south).toBeCloseTo(51.3992, 4);
  });

  it('refuses tiles outside the zoom level', () => {
    expect(isValidTile(3, 7, 7)).toBe(true);
    expect(isValidTile(3, 8, 0)).toBe(false);
    expect(isValidTile(0, 0, 1)).toBe(false);
    expect(isValidTile(25, 0, 0)).toBe(false);
  });

  it('finds the zoom whose pixels match a grid resolution', () => {
    // 0.075 degrees: zoom 4 pixels are 0.088 degrees, zoom 5 pixels 0.044.
    expect(nativeZoom(0.075)).toBe(5);
    expect(nativeZoom(360 / 256)).toBe(0);
  });
});
