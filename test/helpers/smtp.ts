import { once } from 'node:events';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  raw: string;
}

export interface FakeSmtp {
  port: number;
  /** Every mail received, in order. */
  inbox: ReceivedMail[];
  close(): Promise<void>;
}

/** A local SMTP server that keeps what it receives; `delayMs` makes it answer each mail that late (a slow server). */
export async function startSmtp({ delayMs = 0 }: { delayMs?: number } = {}): Promise<FakeSmtp> {
  const inbox: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (d: Buffer) => (raw += d.toString()));
      stream.on('end', () =>
        setTimeout(() => {
          inbox.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
          callback();
        }, delayMs),
      );
    },
  });
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  return {
    port: (server.server.address() as { port: number }).port,
    inbox,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
