import { ChatMessage, Conversation } from './chat.entity.js';
import { CloudAccount } from './cloud-account.entity.js';
import { LivePrice } from './live-price.entity.js';
import { OrphanResource } from './orphan-resource.entity.js';
import { Price } from './price.entity.js';
import { RuleOverride } from './rule-override.entity.js';
import { Scan } from './scan.entity.js';

/** Scans' tables, for its own module and the application's data source. */
export const SCANS_ENTITIES = [
  CloudAccount,
  Scan,
  OrphanResource,
  Price,
  LivePrice,
  RuleOverride,
  Conversation,
  ChatMessage,
];
