import { matchesTopic } from './mqtt-topics.js';

describe('matchesTopic', () => {
  it.each([
    ['sensors/+/+', 'sensors/temperature/t1', true],
    ['sensors/+/+', 'sensors/temperature', false],
    ['sensors/+/+', 'sensors/temperature/t1/x', false],
    ['system/+', 'system/cpu', true],
    ['system/+', 'system', false],
    ['nodered/status', 'nodered/status', true],
    ['nodered/status', 'nodered/statuses', false],
    ['a/#', 'a', true],
    ['a/#', 'a/b/c', true],
    ['#', 'x/y', true],
    ['a/+/c', 'a/b/d', false],
  ])('%s against %s is %s', (filter, topic, expected) => {
    expect(matchesTopic(filter, topic)).toBe(expected);
  });
});
