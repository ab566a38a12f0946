import type { ConfigService } from '@nestjs/config';
import { MetricsService } from './metrics.service.js';

const service = () => new MetricsService({ enabled: true, token: undefined }, {} as ConfigService);

describe('MetricsService', () => {
  it('reads a counter kept elsewhere at each scrape, never adding it up twice', async () => {
    const metrics = service();
    let received = 3;
    metrics.counterOf({ name: 'test_received_total', help: 'h' }, () => received);
    expect(await metrics.render()).toContain('test_received_total 3');
    received = 5;
    const text = await metrics.render();
    expect(text).toContain('test_received_total 5');
    expect(text).toContain('# TYPE test_received_total counter');
  });

  it('drops the label sets a gauge no longer reads', async () => {
    const metrics = service();
    let depths: Array<readonly [{ queue: string }, number]> = [
      [{ queue: 'a' }, 1],
      [{ queue: 'b' }, 2],
    ];
    metrics.gaugeOf({ name: 'test_depth', help: 'h', labelNames: ['queue'] }, async () => depths);
    expect(await metrics.render()).toContain('test_depth{queue="b"} 2');
    depths = [[{ queue: 'a' }, 4]];
    const text = await metrics.render();
    expect(text).toContain('test_depth{queue="a"} 4');
    expect(text).not.toContain('queue="b"');
  });

  it('keeps each instance to its own registry', async () => {
    service().counter({ name: 'test_only_here_total', help: 'h' }).inc();
    expect(await service().render()).not.toContain('test_only_here_total');
  });
});
