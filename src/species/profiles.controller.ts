import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { type AuthUser, CurrentUser, UserDirectory, UserSummaryDto } from '../auth/index.js';
import { ErrorBody } from '../common/errors/error-body.js';
import { ProfileDto } from './dto/observation.dto.js';
import { ObservationsService } from './services/observations.service.js';

/** Lives in Species (not Auth) so the dependency goes one way: Species uses Auth's exported UserDirectory. */
@ApiTags('auth')
@ApiBearerAuth()
@Controller('auth/profiles')
export class ProfilesController {
  constructor(
    private readonly users: UserDirectory,
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
    return { ...UserSummaryDto.from(user), observation_count: count };
  }
}
