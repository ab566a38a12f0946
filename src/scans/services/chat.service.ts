import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { MoreThanOrEqual, Repository } from 'typeorm';
import { page, type Page, type PageQueryDto } from '../../common/pagination/pagination.js';
import { ChatMessage, Conversation } from '../entities/chat.entity.js';
import { ResourcesService } from './resources.service.js';
import { scansConfig, type ScansConfig } from '../scans.config.js';
import { ScansError, ScansErrorCode } from '../scans.errors.js';
import { AnthropicClient, type Reply } from '../assistant/anthropic.client.js';
import { detectableTypes, typeWithTitle } from '../rules/catalog-summary.js';

const HISTORY_TURNS = 20;
const GROUNDING_RESOURCES = 25;

const startOfUtcDay = (at: Date) =>
  new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));

/** The assistant: conversations about the caller's own scan results, answered by Claude. */
@Injectable()
export class ChatService {
  constructor(
    @InjectRepository(Conversation) private readonly conversations: Repository<Conversation>,
    @InjectRepository(ChatMessage) private readonly messages: Repository<ChatMessage>,
    @Inject(scansConfig.KEY) private readonly config: ScansConfig,
    private readonly resources: ResourcesService,
    private readonly anthropic: AnthropicClient,
  ) {}

  async create(ownerId: string, title?: string): Promise<Conversation> {
    return this.conversations.save(
      this.conversations.create({ ownerId, title: title?.trim() || 'New conversation' }),
    );
  }

  async list(ownerId: string, query: PageQueryDto): Promise<Page<Conversation>> {
    const [items, total] = await this.conversations.findAndCount({
      where: { ownerId },
      order: { updatedAt: 'DESC' },
      take: query.limit,
      skip: query.offset,
    });
    return page(items, total, query);
  }

  async get(ownerId: string, id: string): Promise<{ conversation: Conversation; messages: ChatMessage[] }> {
    const conversation = await this.conversations.findOneBy({ id, ownerId });
    if (!conversation)
      throw new ScansError(ScansErrorCode.CONVERSATION_NOT_FOUND, `Conversation ${id} not found`);
    const messages = await this.messages.find({ where: { conversationId: id }, order: { createdAt: 'ASC' } });
    return { conversation, messages };
  }

  /**
   * Everything that can refuse a message, checked before any byte of the stream is sent (so refusals are plain
   * JSON errors): the conversation is the caller's (404 for anyone else, configured or not), the assistant is
   * configured, the daily budget is not spent.
   * Then the user's message is stored.
   */
  async accept(
    ownerId: string,
    conversationId: string,
    content: string,
  ): Promise<{ history: ChatMessage[] }> {
    const { messages } = await this.get(ownerId, conversationId);
    if (!this.anthropic.configured)
      throw new ScansError(
        ScansErrorCode.ASSISTANT_NOT_CONFIGURED,
        'The assistant is not available: ANTHROPIC_API_KEY is not set on this server',
      );
    const now = new Date();
    const today = startOfUtcDay(now);
    const sent = await this.messages.countBy({ ownerId, role: 'user', createdAt: MoreThanOrEqual(today) });
    if (sent >= this.config.chat.dailyMessageLimit) {
      const error = new ScansError(
        ScansErrorCode.CHAT_LIMIT_REACHED,
        `Daily limit of ${this.config.chat.dailyMessageLimit} messages reached; it resets at midnight UTC`,
      );
      const tomorrow = today.getTime() + 86_400_000;
      error.headers['Retry-After'] = String(Math.ceil((tomorrow - now.getTime()) / 1000));
      throw error;
    }
    const message = await this.messages.save(
      this.messages.create({ conversationId, ownerId, role: 'user', content }),
    );
    await this.conversations.update({ id: conversationId }, { updatedAt: new Date() });
    return { history: [...messages, message] };
  }

  /** Streams Claude's answer; the answer is stored once complete. */
  async answer(
    ownerId: string,
    conversationId: string,
    history: ChatMessage[],
    onText: (delta: string) => void,
    signal: AbortSignal,
  ): Promise<{ message: ChatMessage; reply: Reply }> {
    const system = await this.grounding(ownerId);
    const turns = history.slice(-HISTORY_TURNS).map((m) => ({ role: m.role, content: m.content }));
    const reply = await this.anthropic.stream(system, turns, onText, signal);
    const message = await this.messages.save(
      this.messages.create({ conversationId, ownerId, role: 'assistant', content: reply.text }),
    );
    return { message, reply };
  }

  /** The system prompt: what the caller's latest scans found, so answers rest on their own data. */
  private async grounding(ownerId: string): Promise<string> {
    const [stats, top] = await Promise.all([
      this.resources.stats(ownerId),
      this.resources.topCost(ownerId, GROUNDING_RESOURCES),
    ]);
    const lines = top.map(
      (r) =>
        `- ${r.resourceType} ${r.resourceId}${r.resourceName ? ` (${r.resourceName})` : ''} in ${r.region}: ` +
        `$${r.monthlyCost.toFixed(2)}/month, ${r.metadata.confidence} confidence, ${r.metadata.reason}; status ${r.status}`,
    );
    return [
      'You are the CloudWaste assistant of Terrawatch. You help the user reduce cloud waste: orphaned or idle',
      'resources found by their scans. Answer from the scan results below; say when they do not cover a question.',
      'Never invent resources or prices. Suggest concrete, safe clean-up steps (snapshots before deleting volumes).',
      '',
      'Resource types the scans detect:',
      ...detectableTypes(),
      '',
      `Latest scans: ${stats.total_resources} resources, $${stats.monthly_waste.toFixed(2)}/month ` +
        `($${stats.annual_waste.toFixed(2)}/year) of waste.`,
      `By type: ${stats.by_type.map((t) => `${typeWithTitle(String(t.resource_type))} ${t.count} ($${t.monthly_cost})`).join(', ') || 'none'}.`,
      `Costliest resources:`,
      ...(lines.length ? lines : ['(no scan results yet)']),
    ].join('\n');
  }
}
