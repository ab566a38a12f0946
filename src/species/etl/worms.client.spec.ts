import { titleCase } from './worms.client.js';

describe('titleCase', () => {
  it.each([
    ['ocean sunfish', 'Ocean Sunfish'],
    ['COD(ATLANTIC)', 'Cod(Atlantic)'],
    ['short-beaked common dolphin', 'Short-Beaked Common Dolphin'],
    ["  neptune's grass ", "Neptune's Grass"],
    ['épaulard', 'Épaulard'],
  ])('%j -> %j', (input, expected) => {
    expect(titleCase(input)).toBe(expected);
  });
});
