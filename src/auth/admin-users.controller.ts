import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ErrorBody } from '../common/errors/error-body.js';
import { Roles } from './decorators/access.decorator.js';
import { AdminUpdateUserDto, ListUsersQueryDto, UserDto, UserPageDto } from './dto/user.dto.js';
import { Role } from './roles.js';
import { TokensService } from './services/tokens.service.js';
import { UsersService } from './services/users.service.js';

@ApiTags('admin')
@ApiBearerAuth()
@ApiCookieAuth()
@ApiResponse({ status: 403, type: ErrorBody, description: 'Not an admin' })
@Roles(Role.ADMIN)
@Controller('admin')
export class AdminUsersController {
  constructor(
    private readonly users: UsersService,
    private readonly tokens: TokensService,
  ) {}

  @Get('users')
  @ApiOperation({ summary: 'Users, newest first, searchable' })
  @ApiResponse({ status: 200, type: UserPageDto })
  async list(@Query() query: ListUsersQueryDto): Promise<UserPageDto> {
    const result = await this.users.list(query);
    return { ...result, items: result.items.map((u) => UserDto.from(u)) };
  }

  @Patch('users/:id')
  @ApiOperation({ summary: 'Change role, groups or active flag; disabling signs the user out' })
  @ApiResponse({ status: 200, type: UserDto })
  @ApiResponse({ status: 404, type: ErrorBody })
  async update(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: AdminUpdateUserDto,
  ): Promise<UserDto> {
    const user = await this.users.update(id, { role: dto.role, groups: dto.groups, isActive: dto.is_active });
    if (dto.is_active === false) await this.tokens.revokeAllForUser(id);
    return UserDto.from(user);
  }

  @Get('stats')
  @ApiOperation({ summary: 'Platform figures' })
  stats() {
    return this.users.stats();
  }
}
