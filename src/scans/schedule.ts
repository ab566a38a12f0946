import type { CloudAccount } from './entities/cloud-account.entity.js';

/** The start of the UTC hour `at` falls in. */
export function hourStart(at: Date): Date {
  const hour = new Date(at);
  hour.setUTCMinutes(0, 0, 0);
  return hour;
}

/** Whether an account's scheduled scan falls in the UTC hour starting at `hour`. */
export function isScheduleDue(
  account: Pick<
    CloudAccount,
    | 'scheduleEnabled'
    | 'isActive'
    | 'scheduleFrequency'
    | 'scheduleHour'
    | 'scheduleDayOfWeek'
    | 'scheduleDayOfMonth'
  >,
  hour: Date,
): boolean {
  if (!account.scheduleEnabled || !account.isActive || account.scheduleHour !== hour.getUTCHours())
    return false;
  switch (account.scheduleFrequency) {
    case 'daily':
      return true;
    case 'weekly':
      return account.scheduleDayOfWeek === hour.getUTCDay();
    case 'monthly':
      return account.scheduleDayOfMonth === hour.getUTCDate();
  }
}
