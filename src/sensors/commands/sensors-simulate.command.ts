import { Command, CommandRunner, Option } from 'nest-commander';
import { MqttService } from '../../messaging/mqtt.service.js';
import { ReadingSimulator } from '../simulator.js';

interface SimulateOptions {
  sensors: number;
  rate: number;
  duration: number;
  anomalyRate: number;
  prefix: string;
  parentPid?: number;
}

const TICK_MS = 20;

/** Publishes realistic readings over MQTT (QoS 1) for demos and benchmarks. */
@Command({
  name: 'sensors:simulate',
  description: 'Publish simulated sensor readings over MQTT (normal values with occasional anomalies)',
})
export class SensorsSimulateCommand extends CommandRunner {
  constructor(private readonly mqtt: MqttService) {
    super();
  }

  async run(_: string[], options: SimulateOptions): Promise<void> {
    const sim = new ReadingSimulator(options.sensors, options.prefix, options.anomalyRate);
    const perSecond = options.sensors * options.rate;
    console.log(
      `Simulating ${options.sensors} sensors at ${options.rate}/s each (${perSecond}/s) ` +
        `for ${options.duration ? `${options.duration} s` : 'ever'}`,
    );
    const started = Date.now();
    let sent = 0;
    const pending = new Set<Promise<void>>();
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const elapsed = Date.now() - started;
        const over = options.duration > 0 && elapsed >= options.duration * 1000;
        if (over || (options.parentPid && !alive(options.parentPid))) {
          clearInterval(timer);
          resolve();
          return;
        }
        const due = Math.floor((elapsed / 1000) * perSecond) - sent;
        for (let i = 0; i < due; i++) {
          const { topic, payload } = sim.reading();
          const p = this.mqtt.publish(topic, JSON.stringify(payload), { qos: 1 }).catch((e: Error) => {
            console.error(`publish failed: ${e.message}`);
          });
          pending.add(p);
          void p.finally(() => pending.delete(p));
          sent += 1;
        }
      }, TICK_MS);
    });
    await Promise.all(pending);
    console.log(
      `Published ${sent} readings (${sim.anomalies} anomalous) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }

  @Option({ flags: '--sensors <n>', description: 'Number of simulated sensors', defaultValue: 10 })
  parseSensors(value: string): number {
    return positive(value, '--sensors', true);
  }

  @Option({ flags: '--rate <r>', description: 'Readings per second per sensor', defaultValue: 1 })
  parseRate(value: string): number {
    return positive(value, '--rate', false);
  }

  @Option({ flags: '--duration <s>', description: 'Seconds to run (0: until stopped)', defaultValue: 30 })
  parseDuration(value: string): number {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) throw new Error('--duration must be a number of seconds >= 0');
    return n;
  }

  @Option({
    flags: '--anomaly-rate <p>',
    description: 'Share of anomalous readings (0..1)',
    defaultValue: 0.02,
  })
  parseAnomalyRate(value: string): number {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0 || n > 1) throw new Error('--anomaly-rate must be between 0 and 1');
    return n;
  }

  @Option({ flags: '--prefix <p>', description: 'Sensor id prefix', defaultValue: 'sim' })
  parsePrefix(value: string): string {
    if (!/^[A-Za-z0-9_-]{1,40}$/.test(value)) throw new Error('--prefix must be letters, digits, _ or -');
    return value;
  }

  @Option({ flags: '--parent-pid <pid>', description: 'Stop when this process exits (used by the demo)' })
  parseParentPid(value: string): number {
    return positive(value, '--parent-pid', true);
  }
}

function positive(value: string, flag: string, integer: boolean): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n)))
    throw new Error(`${flag} must be a positive ${integer ? 'integer' : 'number'}`);
  return n;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
