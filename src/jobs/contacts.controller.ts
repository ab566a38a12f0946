import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Groups } from '../auth/index.js';
import { ErrorBody } from '../common/errors/error-body.js';
import { ContactDto, ContactPageDto, ContactQueryDto } from './dto/jobs.dto.js';
import { ContactsService } from './services/contacts.service.js';

@ApiTags('contacts')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('contacts')
export class ContactsController {
  constructor(private readonly contacts: ContactsService) {}

  @Get()
  @Groups('uploader', 'editor')
  @ApiOperation({ summary: 'Loaded contacts; `email` looks one up (case-insensitive)' })
  @ApiResponse({ status: 200, type: ContactPageDto })
  @ApiResponse({ status: 403, type: ErrorBody, description: "Not in group 'uploader' or 'editor'" })
  async list(@Query() query: ContactQueryDto): Promise<ContactPageDto> {
    const result = await this.contacts.list(query);
    return { ...result, items: result.items.map((c) => ContactDto.from(c)) };
  }
}
