import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { type AuthUser, CurrentUser } from '../auth/index.js';
import { ErrorBody } from '../common/errors/error-body.js';
import {
  AccountDto,
  AccountPageDto,
  CreateAccountDto,
  ListAccountsQueryDto,
  UpdateAccountDto,
  ValidationResultDto,
} from './dto/account.dto.js';
import { AccountsService } from './services/accounts.service.js';

@ApiTags('scans: accounts')
@ApiBearerAuth()
@ApiCookieAuth()
@ApiResponse({ status: 401, type: ErrorBody })
@ApiResponse({ status: 404, type: ErrorBody, description: 'No such account of the caller' })
@Controller('accounts')
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Post()
  @ApiOperation({ summary: 'Connect a cloud account; credentials are encrypted and never returned' })
  @ApiResponse({ status: 201, type: AccountDto })
  @ApiResponse({ status: 400, type: ErrorBody, description: 'Missing or malformed credential fields, named' })
  @ApiResponse({ status: 409, type: ErrorBody, description: 'Name taken' })
  async create(@CurrentUser() user: AuthUser, @Body() dto: CreateAccountDto): Promise<AccountDto> {
    return AccountDto.from(await this.accounts.create(user.id, dto));
  }

  @Get()
  @ApiOperation({ summary: "The caller's cloud accounts, newest first" })
  @ApiResponse({ status: 200, type: AccountPageDto })
  async list(@CurrentUser() user: AuthUser, @Query() query: ListAccountsQueryDto): Promise<AccountPageDto> {
    const result = await this.accounts.list(user.id, query);
    return { ...result, items: result.items.map((a) => AccountDto.from(a)) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One account' })
  @ApiResponse({ status: 200, type: AccountDto })
  async get(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<AccountDto> {
    return AccountDto.from(await this.accounts.get(user.id, id));
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change name, regions, schedule, active flag or credentials (replaced whole)' })
  @ApiResponse({ status: 200, type: AccountDto })
  async update(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: UpdateAccountDto,
  ): Promise<AccountDto> {
    return AccountDto.from(await this.accounts.update(user.id, id, dto));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete the account with its scans and resources' })
  @ApiResponse({ status: 204 })
  async remove(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.accounts.remove(user.id, id);
  }

  @Post(':id/validate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Check the stored credentials with a cheap identity call to the provider' })
  @ApiResponse({ status: 200, type: ValidationResultDto })
  @ApiResponse({ status: 422, type: ErrorBody, description: 'The provider rejected the credentials' })
  @ApiResponse({ status: 502, type: ErrorBody, description: 'The provider did not answer' })
  async validate(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<ValidationResultDto> {
    const identity = await this.accounts.validate(user.id, id);
    return { valid: true, identity: identity.identity, account_identifier: identity.accountIdentifier };
  }
}
