import { ApiProperty } from '@nestjs/swagger';
import { Role } from './roles.js';

/** What other modules learn about a user: never the entity, never credentials. */
export interface UserSummary {
  id: string;
  email: string | null;
  username: string;
  fullName: string | null;
  role: Role;
  groups: string[];
  createdAt: Date;
}

/** The one JSON shape of a user outside Auth (profiles, exports): Auth's own `UserDto` adds the account state. */
export class UserSummaryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ nullable: true, type: String }) email: string | null;
  @ApiProperty() username: string;
  @ApiProperty({ nullable: true, type: String, example: 'Ada Lovelace' }) full_name: string | null;
  @ApiProperty({ enum: Role }) role: Role;
  @ApiProperty({ type: [String] }) groups: string[];
  @ApiProperty({ format: 'date-time' }) created_at: string;

  static from(user: UserSummary): UserSummaryDto {
    return {
      id: user.id,
      email: user.email,
      username: user.username,
      full_name: user.fullName,
      role: user.role,
      groups: user.groups,
      created_at: user.createdAt.toISOString(),
    };
  }
}
