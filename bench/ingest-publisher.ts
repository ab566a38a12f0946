import { connectAsync } from 'mqtt';
import { ReadingSimulator } from '../src/sensors/simulator.js';

/**
 * A publisher process of `bench:ingest` (forked, so publishing does not share the bench's event loop): publishes
 * QoS 1 readings of `devices` sensors at `rate`/s for `seconds`, then reports how many the broker acknowledged.
 */
interface Step {
  url: string;
  clientId: string;
  prefix: string;
  devices: number;
  rate: number;
  seconds: number;
}

const TICK_MS = 5;
/** Unacknowledged publishes allowed in flight; beyond it the publisher waits (its own flow control). */
const MAX_IN_FLIGHT = 20_000;
/** How long the last publishes may wait for the broker's PUBACK before they count as failed. */
const ACK_WAIT_MS = 60_000;

process.on('message', (step: Step) => {
  void run(step).then(
    (result) => process.send?.(result),
    (error: unknown) => process.send?.({ error: String(error) }),
  );
});

async function run(step: Step) {
  const client = await connectAsync(step.url, { clientId: step.clientId, clean: true });
  const sim = new ReadingSimulator(step.devices, step.prefix, 0.01);
  let published = 0;
  let acked = 0;
  let failed = 0;
  let inFlight = 0;
  const started = Date.now();
  const end = started + step.seconds * 1000;
  while (Date.now() < end) {
    const due = Math.floor(((Date.now() - started) / 1000) * step.rate) - published;
    for (let i = 0; i < due && inFlight < MAX_IN_FLIGHT; i++) {
      const { topic, payload } = sim.reading();
      inFlight += 1;
      published += 1;
      client.publish(topic, JSON.stringify(payload), { qos: 1 }, (error) => {
        inFlight -= 1;
        if (error) failed += 1;
        else acked += 1;
      });
    }
    await new Promise((r) => setTimeout(r, TICK_MS));
  }
  const seconds = (Date.now() - started) / 1000;
  // The broker acknowledges what it took; one that stops answering must not hang the bench.
  const ackDeadline = Date.now() + ACK_WAIT_MS;
  while (inFlight > 0 && Date.now() < ackDeadline) await new Promise((r) => setTimeout(r, 20));
  failed += inFlight;
  await client.endAsync(true);
  return { published, acked, failed, seconds };
}
