import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { USERNAME_MAX_LENGTH, USERNAME_MIN_LENGTH, USERNAME_PATTERN } from '../username.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
/**
 * A name is one line of printable text: NUL cannot be stored in PostgreSQL text (it would end in a 500), and no other
 * control character or line break belongs in a name that lists and mails show on one line.
 */
const PRINTABLE_LINE = /^[^\p{Cc}\p{Zl}\p{Zp}]*$/u;
const FULL_NAME_MAX_LENGTH = 100;

/** Trimmed; blank means none (null). */
const toFullName = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const name = value.trim();
  return name === '' ? null : name;
};

/** The rules of `full_name`, at sign-up and in a profile change alike. */
const FullNameRules = () =>
  applyDecorators(
    IsOptional(),
    Transform(toFullName),
    IsString(),
    MaxLength(FULL_NAME_MAX_LENGTH),
    Matches(PRINTABLE_LINE, { message: 'full_name may not hold control characters or line breaks' }),
  );

export class RegisterDto {
  @ApiProperty({ example: 'ada@example.org', maxLength: 254 })
  @Transform(trim)
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiPropertyOptional({
    example: 'ada',
    minLength: USERNAME_MIN_LENGTH,
    maxLength: USERNAME_MAX_LENGTH,
    pattern: USERNAME_PATTERN.source,
    description:
      "When absent, derived from the email's local part (subaddress dropped, accents removed, lower case, other " +
      'characters as _), with a -xxxx suffix when that one is taken or too short; the 201 answer carries the username chosen',
  })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(USERNAME_MIN_LENGTH)
  @MaxLength(USERNAME_MAX_LENGTH)
  @Matches(USERNAME_PATTERN, { message: 'username may hold letters, digits, ., _ and - only' })
  username?: string;

  @ApiProperty({ example: 'correct horse battery', minLength: 8, maxLength: 128 })
  @IsString()
  @MinLength(8)
  @MaxLength(128)
  password: string;

  @ApiPropertyOptional({
    example: 'Ada Lovelace',
    maxLength: FULL_NAME_MAX_LENGTH,
    nullable: true,
    type: String,
    description: 'Free text on one line (no control characters); trimmed, blank means none',
  })
  @FullNameRules()
  full_name?: string | null;
}

export class LoginDto {
  @ApiPropertyOptional({ example: 'ada@example.org', description: 'email or username is required' })
  @ValidateIf((o: LoginDto) => !o.username)
  @Transform(trim)
  @IsEmail({}, { message: 'email or username is required' })
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ example: 'ada' })
  @ValidateIf((o: LoginDto) => !o.email)
  @Transform(trim)
  @IsString({ message: 'email or username is required' })
  @MinLength(1)
  @MaxLength(50)
  username?: string;

  @ApiProperty({ example: 'correct horse battery' })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  password: string;
}

export class RefreshDto {
  @ApiPropertyOptional({ description: 'The refresh token; may instead come in the refresh_token cookie' })
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  refresh_token?: string;
}

export class UpdateMeDto {
  @ApiPropertyOptional({ example: 'ada@example.org', description: 'A new address must be verified again' })
  @IsOptional()
  @Transform(trim)
  @IsEmail()
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ example: 'ada_l' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(USERNAME_MIN_LENGTH)
  @MaxLength(USERNAME_MAX_LENGTH)
  @Matches(USERNAME_PATTERN, { message: 'username may hold letters, digits, ., _ and - only' })
  username?: string;

  @ApiPropertyOptional({
    example: 'Ada King',
    maxLength: FULL_NAME_MAX_LENGTH,
    nullable: true,
    type: String,
    description: 'As at sign-up; null or blank removes it',
  })
  @FullNameRules()
  full_name?: string | null;

  @ApiPropertyOptional({
    description: 'New password; needs currentPassword and signs out every other session',
  })
  @IsOptional()
  @IsString()
  @MinLength(8)
  @MaxLength(128)
  password?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(128)
  currentPassword?: string;
}

export class EmailDto {
  @ApiProperty({ example: 'ada@example.org' })
  @Transform(trim)
  @IsEmail()
  @MaxLength(254)
  email: string;
}

export class ConfirmPasswordResetDto {
  @ApiProperty({ description: 'The token from the mail' })
  @IsString()
  @MinLength(10)
  @MaxLength(200)
  token: string;

  @ApiProperty({ minLength: 8, maxLength: 128 })
  @IsString()
  @MinLength(8)
  @MaxLength(128)
  password: string;
}
