import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createTransport, Transporter } from 'nodemailer';
import { AppConfig } from '../../config/app.config.js';
import { authConfig, type AuthConfig } from '../auth.config.js';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/**
 * Sends mail through SMTP (`SMTP_URL`). Without SMTP, development and test runs log the mail so links can be
 * followed by hand; production logs only that nothing was sent.
 */
@Injectable()
export class Mailer implements OnApplicationShutdown {
  private readonly logger = new Logger(Mailer.name);
  private readonly transport?: Transporter;
  private readonly env: string;

  constructor(
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
    appConfig: ConfigService,
  ) {
    this.env = appConfig.getOrThrow<AppConfig>('app').env;
    if (config.smtpUrl) this.transport = createTransport(config.smtpUrl);
  }

  async send(mail: Mail): Promise<void> {
    if (!this.transport) {
      if (this.env === 'production')
        this.logger.warn(`SMTP_URL is not set: mail "${mail.subject}" was not sent`);
      else this.logger.log({ mail }, `Mail (not sent, no SMTP_URL): ${mail.subject}`);
      return;
    }
    await this.transport.sendMail({ from: this.config.mailFrom, ...mail });
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}
