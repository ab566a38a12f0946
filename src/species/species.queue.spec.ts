import { scheduledJobId } from './species.queue.js';

describe('scheduledJobId', () => {
  it('is the same for every replica ticking within the same hour, and differs by mode and by tick', () => {
    const a = scheduledJobId('incremental', new Date('2025-03-01T03:00:00.000Z'));
    const b = scheduledJobId('incremental', new Date('2025-03-01T03:00:01.250Z'));
    expect(a).toBe(b);
    expect(a).toBe('species-etl-incremental-2025-03-01T03');
    expect(scheduledJobId('full', new Date('2025-03-01T03:00:00.000Z'))).not.toBe(a);
    expect(scheduledJobId('incremental', new Date('2025-04-01T03:00:00.000Z'))).not.toBe(a);
  });
});
