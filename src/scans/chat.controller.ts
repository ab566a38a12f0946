import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCookieAuth,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { type AuthUser, CurrentUser } from '../auth/index.js';
import { ErrorBody } from '../common/errors/error-body.js';
import { PageQueryDto } from '../common/pagination/pagination.js';
import {
  ChatMessageDto,
  ConversationDetailDto,
  ConversationDto,
  ConversationPageDto,
  CreateConversationDto,
  SendMessageDto,
} from './dto/chat.dto.js';
import { ChatService } from './services/chat.service.js';

@ApiTags('scans: assistant')
@ApiBearerAuth()
@ApiCookieAuth()
@ApiResponse({ status: 401, type: ErrorBody })
@Controller('chat/conversations')
export class ChatController {
  constructor(private readonly chat: ChatService) {}

  @Post()
  @ApiOperation({ summary: 'Start a conversation with the assistant' })
  @ApiResponse({ status: 201, type: ConversationDto })
  async create(@CurrentUser() user: AuthUser, @Body() dto: CreateConversationDto): Promise<ConversationDto> {
    return ConversationDto.from(await this.chat.create(user.id, dto.title));
  }

  @Get()
  @ApiOperation({ summary: 'Your conversations, most recent first' })
  @ApiResponse({ status: 200, type: ConversationPageDto })
  async list(@CurrentUser() user: AuthUser, @Query() query: PageQueryDto): Promise<ConversationPageDto> {
    const result = await this.chat.list(user.id, query);
    return { ...result, items: result.items.map((c) => ConversationDto.from(c)) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'A conversation with its messages' })
  @ApiResponse({ status: 200, type: ConversationDetailDto })
  @ApiResponse({ status: 404, type: ErrorBody })
  async get(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<ConversationDetailDto> {
    const { conversation, messages } = await this.chat.get(user.id, id);
    return { ...ConversationDto.from(conversation), messages: messages.map((m) => ChatMessageDto.from(m)) };
  }

  @Post(':id/messages')
  @ApiOperation({
    summary:
      'Ask the assistant; the answer streams as Server-Sent Events: `message` {delta}, then `done` {message_id, usage} or `error` {message}',
  })
  @ApiProduces('text/event-stream')
  @ApiResponse({ status: 200, description: 'text/event-stream' })
  @ApiResponse({ status: 404, type: ErrorBody })
  @ApiResponse({ status: 429, type: ErrorBody, description: 'Daily message limit reached' })
  @ApiResponse({ status: 503, type: ErrorBody, description: 'ANTHROPIC_API_KEY is not set' })
  async send(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: SendMessageDto,
    @Res() res: Response,
  ): Promise<void> {
    const { history } = await this.chat.accept(user.id, id, dto.content);
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    const send = (event: string, data: unknown) =>
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    try {
      const { message, reply } = await this.chat.answer(
        user.id,
        id,
        history,
        (delta) => send('message', { delta }),
        abort.signal,
      );
      send('done', {
        message_id: message.id,
        usage: { input_tokens: reply.inputTokens, output_tokens: reply.outputTokens },
      });
    } catch (error) {
      if (!abort.signal.aborted)
        send('error', { message: `The assistant could not answer: ${(error as Error).message}` });
    } finally {
      res.end();
    }
  }
}
