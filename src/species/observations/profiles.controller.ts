import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../../auth/auth-user.js';
import { CurrentUser } from '../../auth/decorators/current-user.decorator.js';
import { UsersService } from '../../auth/services/users.service.js';
import { ErrorBody } from '../../common/errors/error-body.js';
import { ProfileDto } from '../dto/observation.dto.js';
import { ObservationsService } from './observations.service.js';

/** Lives in Species (not Auth) so the dependency goes one way: Species uses Auth's exported UsersService. */
@ApiTags('auth')
@ApiBearerAuth()
@Controller('auth/profiles')
export class ProfilesController {
  constructor(
    private readonly users: UsersService,
    private readonly observations: ObservationsService,
  ) {}

  @Get('me')
  @ApiOperation({ summary: 'The caller with the number of sightings they recorded' })
  @ApiResponse({ status: 200, type: ProfileDto })
  @ApiResponse({ status: 401, type: ErrorBody })
  async me(@CurrentUser() caller: AuthUser): Promise<ProfileDto> {
    const [user, count] = await Promise.all([
      this.users.getById(caller.id),
      this.observations.countByOwner(caller.id),
    ]);
    return {
      id: user.id,
      email: user.email,
      username: user.username,
      role: user.role,
      groups: user.groups,
      created_at: user.createdAt.toISOString(),
      observation_count: count,
    };
  }
}
