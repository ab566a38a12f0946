import { Injectable } from '@nestjs/common';

export type StatusContributor = () => Record<string, unknown> | Promise<Record<string, unknown>>;

/**
 * Modules register what they want shown in `GET /api/v1/status` (counters, queue depths) without the status
 * endpoint knowing about them.
 */
@Injectable()
export class StatusRegistry {
  private readonly contributors = new Map<string, StatusContributor>();

  register(name: string, contributor: StatusContributor): void {
    this.contributors.set(name, contributor);
  }

  async collect(): Promise<Record<string, unknown>> {
    const entries = await Promise.all(
      [...this.contributors].map(async ([name, fn]) => [
        name,
        await Promise.resolve(fn()).catch((e: Error) => ({ error: e.message })),
      ]),
    );
    return Object.fromEntries(entries);
  }
}
