import { randomBytes } from 'node:crypto';
import type { IPublishPacket, MqttClient } from 'mqtt';
import { MqttSession } from '../../src/messaging/mqtt-session.js';
import { publisher, waitFor } from './sensors-helpers.js';

/**
 * The one place that relies on how mqtt.js behaves (no public "acknowledge later" API): a QoS 1 message is
 * acknowledged only when the sink settles it. Against the real broker: an unsettled message comes back on the next
 * connection of the session, a settled one does not, and `leave` deletes the session.
 */
const url = process.env.MQTT_URL as string;
const id = `sess${randomBytes(3).toString('hex')}`;
const topic = `test/${id}/x`;
let pub: MqttClient;

beforeAll(async () => {
  pub = await publisher();
});
afterAll(async () => {
  await pub?.endAsync();
});

function session(held: Array<{ value: string; settle: () => void }>) {
  return new MqttSession(
    { url, clientId: id, sessionExpirySeconds: 60, receiveMaximum: 100, reconnect: false },
    (packet: IPublishPacket, settle) => held.push({ value: packet.payload.toString(), settle }),
  );
}

it('acknowledges a QoS 1 message only once it is settled', async () => {
  const first: Array<{ value: string; settle: () => void }> = [];
  const a = session(first);
  await a.start();
  await a.client.subscribeAsync(topic, { qos: 1 });
  for (const value of ['1', '2', '3', '4']) await pub.publishAsync(topic, value, { qos: 1 });
  await waitFor(() => first.length === 4, 'four messages');
  first[0].settle();
  first[2].settle();
  expect(a.inflight).toBe(2);
  await new Promise((r) => setTimeout(r, 100)); // the PUBACKs leave on the next turn
  await a.detach(); // the session stays, with 2 and 4 unacknowledged

  const second: Array<{ value: string; settle: () => void }> = [];
  const b = session(second);
  const connack = await b.start();
  expect(connack.sessionPresent).toBe(true);
  await waitFor(() => second.length === 2, 'the unacknowledged two again');
  expect(second.map((m) => m.value).sort()).toEqual(['2', '4']);
  second.forEach((m) => m.settle());
  await new Promise((r) => setTimeout(r, 100));
  await b.leave(); // deletes the session

  const third: Array<{ value: string; settle: () => void }> = [];
  const c = session(third);
  expect((await c.start()).sessionPresent).toBe(false);
  await new Promise((r) => setTimeout(r, 300));
  expect(third).toEqual([]);
  await c.leave();
});
