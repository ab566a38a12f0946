import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeAnthropic {
  url: string;
  /** Bodies and API keys of the requests received. */
  requests: Array<{
    apiKey: string;
    body: {
      system?: string;
      messages: Array<{ role: string; content: string }>;
      stream?: boolean;
      model: string;
    };
  }>;
  /** The next request is refused with this Anthropic error instead of streaming. */
  failNext?: { status: number; type: string; message: string };
  close(): Promise<void>;
}

const sse = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/** `POST /v1/messages` with `stream: true`, answered in Anthropic's SSE format, word by word. */
export async function startFakeAnthropic(apiKey: string, answer: string): Promise<FakeAnthropic> {
  const fake: FakeAnthropic = { url: '', requests: [], close: async () => undefined };
  const server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    // The SDK sends the key as `x-api-key` or, in recent versions, as a bearer token.
    const key = String(
      req.headers['x-api-key'] ?? /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '',
    );
    fake.requests.push({ apiKey: key, body });
    const error = (status: number, type: string, message: string) => {
      res.writeHead(status, { 'Content-Type': 'application/json', 'request-id': 'req_fake' });
      res.end(JSON.stringify({ type: 'error', error: { type, message } }));
    };
    if (req.url !== '/v1/messages' || req.method !== 'POST')
      return error(404, 'not_found_error', 'Not found');
    if (key !== apiKey) return error(401, 'authentication_error', 'invalid x-api-key');
    if (fake.failNext) {
      const { status, type, message } = fake.failNext;
      fake.failNext = undefined;
      return error(status, type, message);
    }
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      'request-id': 'req_fake',
    });
    res.write(
      sse('message_start', {
        type: 'message_start',
        message: {
          id: 'msg_01FakeFakeFake',
          type: 'message',
          role: 'assistant',
          model: body.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: 321, output_tokens: 1 },
        },
      }),
    );
    res.write(
      sse('content_block_start', {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'text', text: '' },
      }),
    );
    res.write(sse('ping', { type: 'ping' }));
    for (const word of answer.split(/(?<= )/)) {
      res.write(
        sse('content_block_delta', {
          type: 'content_block_delta',
          index: 0,
          delta: { type: 'text_delta', text: word },
        }),
      );
      await new Promise((r) => setTimeout(r, 5));
    }
    res.write(sse('content_block_stop', { type: 'content_block_stop', index: 0 }));
    res.write(
      sse('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: { output_tokens: 42 },
      }),
    );
    res.write(sse('message_stop', { type: 'message_stop' }));
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}

/** Parses an SSE body into its events. */
export function parseSse(text: string): Array<{ event: string; data: Record<string, unknown> }> {
  return text
    .split('\n\n')
    .filter((block) => block.trim())
    .map((block) => {
      const event = /^event: (.+)$/m.exec(block)?.[1] ?? 'message';
      const data = JSON.parse(/^data: (.+)$/m.exec(block)?.[1] ?? '{}') as Record<string, unknown>;
      return { event, data };
    });
}
