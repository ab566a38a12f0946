import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEnum,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';
import { PageMetaDto, PageQueryDto } from '../../common/pagination/pagination.js';
import { Role } from '../roles.js';
import { UserSummaryDto } from '../user-summary.js';
import { User } from '../entities/user.entity.js';

/** A user as Auth's own routes show it: the summary other modules see, and the account's state. */
export class UserDto extends UserSummaryDto {
  @ApiProperty() is_active: boolean;
  @ApiProperty() email_verified: boolean;
  @ApiProperty() external: boolean;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) last_login_at: string | null;
  @ApiProperty({ format: 'date-time' }) updated_at: string;

  static override from(user: User): UserDto {
    return {
      ...UserSummaryDto.from(user),
      is_active: user.isActive,
      email_verified: user.emailVerified,
      external: user.externalSubject !== null,
      last_login_at: user.lastLoginAt?.toISOString() ?? null,
      updated_at: user.updatedAt.toISOString(),
    };
  }
}

export class UserPageDto extends PageMetaDto {
  @ApiProperty({ type: [UserDto] }) items: UserDto[];
}

export class TokenPairDto {
  @ApiProperty() access_token: string;
  @ApiProperty() refresh_token: string;
  @ApiProperty({ example: 'bearer' }) token_type: 'bearer';
  @ApiProperty({ example: 900, description: 'Access token lifetime in seconds' }) expires_in: number;
  @ApiProperty({ example: 604800, description: 'Refresh token lifetime in seconds' })
  refresh_expires_in: number;
}

export class LoginResponseDto extends TokenPairDto {
  @ApiProperty({ type: UserDto }) user: UserDto;
}

export class MessageDto {
  @ApiProperty() message: string;
}

export class ListUsersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Matches email or username' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ enum: Role })
  @IsOptional()
  @IsEnum(Role)
  role?: Role;
}

export class AdminUpdateUserDto {
  @ApiPropertyOptional({ enum: Role })
  @IsOptional()
  @IsEnum(Role)
  role?: Role;

  @ApiPropertyOptional({ type: [String], example: ['uploader', 'editor'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(50, { each: true })
  @Matches(/^[A-Za-z0-9._-]+$/, {
    each: true,
    message: 'group names may hold letters, digits, ., _ and - only',
  })
  groups?: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  is_active?: boolean;
}
