import { Injectable } from '@nestjs/common';
import { userRoom, UserEventsGateway } from './user-events.gateway.js';

/** Server-to-client events of the `/events` namespace, by name. */
export interface UserEvents {
  scan_progress: {
    scan_id: string;
    status: string;
    progress: number;
    current_step?: string;
    region?: string;
    resources_found?: number;
  };
  job_progress: {
    job_id: string;
    status: string;
    processed_rows: number;
    total_rows: number | null;
    issue_count: number;
  };
}

/** Pushes an event to every connection of one user, whichever replica holds it (Redis adapter). */
@Injectable()
export class RealtimeService {
  constructor(private readonly gateway: UserEventsGateway) {}

  toUser<E extends keyof UserEvents>(userId: string, event: E, payload: UserEvents[E]): void {
    this.gateway.namespace?.to(userRoom(userId)).emit(event, payload);
  }
}
