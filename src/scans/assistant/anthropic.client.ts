import type Anthropic from '@anthropic-ai/sdk';
import { Inject, Injectable } from '@nestjs/common';
import { scansConfig, type ScansConfig } from '../scans.config.js';

export interface ChatTurn {
  role: 'user' | 'assistant';
  content: string;
}

export interface Reply {
  text: string;
  inputTokens: number;
  outputTokens: number;
}

/** Anthropic's Messages API through @anthropic-ai/sdk, streamed; base URL configurable (ANTHROPIC_BASE_URL). */
@Injectable()
export class AnthropicClient {
  /** Created on first use: a replica whose users never chat does not load the SDK. */
  private client?: Promise<Anthropic>;

  constructor(@Inject(scansConfig.KEY) private readonly config: ScansConfig) {}

  get configured(): boolean {
    return !!this.config.chat.apiKey;
  }

  async stream(
    system: string,
    turns: ChatTurn[],
    onText: (delta: string) => void,
    signal: AbortSignal,
  ): Promise<Reply> {
    const { apiKey, baseUrl } = this.config.chat;
    if (!apiKey) throw new Error('ANTHROPIC_API_KEY is not set');
    this.client ??= import('@anthropic-ai/sdk').then(
      ({ default: Sdk }) => new Sdk({ apiKey, baseURL: baseUrl, maxRetries: 2 }),
    );
    const stream = (await this.client).messages.stream(
      { model: this.config.chat.model, max_tokens: this.config.chat.maxTokens, system, messages: turns },
      { signal },
    );
    stream.on('text', (delta) => onText(delta));
    const message = await stream.finalMessage();
    const text = message.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('');
    return { text, inputTokens: message.usage.input_tokens, outputTokens: message.usage.output_tokens };
  }
}
