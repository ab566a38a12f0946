import { ApiProperty } from '@nestjs/swagger';
import { IsString } from 'class-validator';
import { DELETE_CONFIRMATION } from '../services/gdpr.service.js';

export class DeleteMyDataDto {
  @ApiProperty({ example: DELETE_CONFIRMATION, description: `Must be exactly "${DELETE_CONFIRMATION}"` })
  @IsString()
  confirm: string;
}
