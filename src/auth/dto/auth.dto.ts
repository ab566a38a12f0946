import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const USERNAME = /^[A-Za-z0-9._-]+$/;

export class RegisterDto {
  @ApiProperty({ example: 'ada@example.org', maxLength: 254 })
  @Transform(trim)
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'ada', minLength: 3, maxLength: 50, pattern: USERNAME.source })
  @Transform(trim)
  @IsString()
  @MinLength(3)
  @MaxLength(50)
  @Matches(USERNAME, { message: 'username may hold letters, digits, ., _ and - only' })
  username: string;

  @ApiProperty({ example: 'correct horse battery', minLength: 8, maxLength: 128 })
  @IsString()
  @MinLength(8)
  @MaxLength(128)
  password: string;
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
  @MinLength(3)
  @MaxLength(50)
  @Matches(USERNAME, { message: 'username may hold letters, digits, ., _ and - only' })
  username?: string;

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
