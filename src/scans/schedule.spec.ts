import { hourStart, isScheduleDue } from './schedule.js';

describe('schedules', () => {
  const base = {
    scheduleEnabled: true,
    isActive: true,
    scheduleHour: 3,
    scheduleDayOfWeek: null,
    scheduleDayOfMonth: null,
  };
  const monday3 = new Date('2026-06-01T03:00:00Z');
  it('is due at its hour, on its day', () => {
    expect(isScheduleDue({ ...base, scheduleFrequency: 'daily' }, monday3)).toBe(true);
    expect(isScheduleDue({ ...base, scheduleFrequency: 'daily' }, new Date('2026-06-01T04:00:00Z'))).toBe(
      false,
    );
    expect(isScheduleDue({ ...base, scheduleFrequency: 'weekly', scheduleDayOfWeek: 1 }, monday3)).toBe(true);
    expect(isScheduleDue({ ...base, scheduleFrequency: 'weekly', scheduleDayOfWeek: 2 }, monday3)).toBe(
      false,
    );
    expect(isScheduleDue({ ...base, scheduleFrequency: 'monthly', scheduleDayOfMonth: 1 }, monday3)).toBe(
      true,
    );
    expect(isScheduleDue({ ...base, scheduleFrequency: 'daily', isActive: false }, monday3)).toBe(false);
  });
});

describe('hourStart', () => {
  it('is the start of the UTC hour, whatever the minute', () => {
    expect(hourStart(new Date('2026-06-01T03:59:59.999Z')).toISOString()).toBe('2026-06-01T03:00:00.000Z');
    expect(hourStart(new Date('2026-06-01T04:00:00.000Z')).toISOString()).toBe('2026-06-01T04:00:00.000Z');
  });
});
