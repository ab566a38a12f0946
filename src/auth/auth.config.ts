import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { ConfigOf, defineConfig, toBool } from '../config/env.js';
import { Secret } from '../config/secrets.js';

export class AuthEnv {
  @Secret()
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET: string = 'change-me-in-production-this-is-only-for-local-dev';

  @IsInt()
  @Min(30)
  JWT_ACCESS_TTL_SECONDS: number = 900;

  @IsInt()
  @Min(60)
  JWT_REFRESH_TTL_SECONDS: number = 604800;

  @IsString()
  JWT_ISSUER: string = 'terrawatch';

  @Transform(toBool)
  @IsBoolean()
  COOKIE_SECURE: boolean = false;

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  AUTH_JWKS_URI?: string;

  @ValidateIf((env: AuthEnv) => !!env.AUTH_JWKS_URI)
  @IsString({ message: 'AUTH_ISSUER is required with AUTH_JWKS_URI' })
  AUTH_ISSUER?: string;

  @IsOptional()
  @IsString()
  AUTH_AUDIENCE?: string;

  @IsString()
  AUTH_GROUPS_CLAIM: string = 'cognito:groups';

  @Transform(toBool)
  @IsBoolean()
  AUTH_REQUIRE_EMAIL_VERIFICATION: boolean = false;

  @IsOptional()
  @Matches(/^smtps?:\/\/.+/, { message: 'must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  @IsString()
  MAIL_FROM: string = 'Terrawatch <no-reply@terrawatch.local>';

  @IsInt()
  @Min(1)
  THROTTLE_LOGIN_LIMIT: number = 5;

  @IsInt()
  @Min(1)
  THROTTLE_REGISTER_LIMIT: number = 3;

  @IsInt()
  @Min(1)
  THROTTLE_REFRESH_LIMIT: number = 10;

  @IsOptional()
  @IsEmail()
  DEMO_USER?: string;

  @IsOptional()
  @IsString()
  @MinLength(8)
  DEMO_PASS?: string;
}

export const authConfig = defineConfig('auth', AuthEnv, (env) => ({
  jwtSecret: env.JWT_SECRET,
  accessTtlSeconds: env.JWT_ACCESS_TTL_SECONDS,
  refreshTtlSeconds: env.JWT_REFRESH_TTL_SECONDS,
  issuer: env.JWT_ISSUER,
  cookieSecure: env.COOKIE_SECURE || process.env.NODE_ENV === 'production',
  external: env.AUTH_JWKS_URI
    ? {
        jwksUri: env.AUTH_JWKS_URI,
        issuer: env.AUTH_ISSUER as string,
        audience: env.AUTH_AUDIENCE,
        groupsClaim: env.AUTH_GROUPS_CLAIM,
      }
    : undefined,
  requireEmailVerification: env.AUTH_REQUIRE_EMAIL_VERIFICATION,
  smtpUrl: env.SMTP_URL,
  mailFrom: env.MAIL_FROM,
  throttle: {
    login: env.THROTTLE_LOGIN_LIMIT,
    register: env.THROTTLE_REGISTER_LIMIT,
    refresh: env.THROTTLE_REFRESH_LIMIT,
  },
  demo: env.DEMO_USER && env.DEMO_PASS ? { email: env.DEMO_USER, password: env.DEMO_PASS } : undefined,
}));

export type AuthConfig = ConfigOf<typeof authConfig>;
