import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PageMetaDto } from '../../common/pagination/pagination.js';
import type { ChatMessage, Conversation } from '../entities/chat.entity.js';

export class CreateConversationDto {
  @ApiPropertyOptional({ example: 'Where does my money go?' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  title?: string;
}

export class SendMessageDto {
  @ApiProperty({ example: 'Which resources should I delete first?' })
  @IsString()
  @MinLength(1)
  @MaxLength(8000)
  content: string;
}

export class ConversationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() title: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;

  static from(c: Conversation): ConversationDto {
    return {
      id: c.id,
      title: c.title,
      created_at: c.createdAt.toISOString(),
      updated_at: c.updatedAt.toISOString(),
    };
  }
}

export class ChatMessageDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['user', 'assistant'] }) role: string;
  @ApiProperty() content: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;

  static from(m: ChatMessage): ChatMessageDto {
    return { id: m.id, role: m.role, content: m.content, created_at: m.createdAt.toISOString() };
  }
}

export class ConversationDetailDto extends ConversationDto {
  @ApiProperty({ type: [ChatMessageDto] }) messages: ChatMessageDto[];
}

export class ConversationPageDto extends PageMetaDto {
  @ApiProperty({ type: [ConversationDto] }) items: ConversationDto[];
}
