import { createHash } from 'node:crypto';
import type { Database } from '../prisma-client.factory';

export interface PartnerRecord {
  id: string;
  name: string;
  webhookSecret: string;
}

const hashApiKey = (apiKey: string): string => createHash('sha256').update(apiKey).digest('hex');

/** Partners and their credentials. The API key is stored only as a sha256 hash. */
export class PartnerRepository {
  constructor(private readonly db: Database) {}

  async findByApiKey(apiKey: string): Promise<PartnerRecord | null> {
    return this.db.partner.findUnique({ where: { apiKeyHash: hashApiKey(apiKey) }, select: { id: true, name: true, webhookSecret: true } });
  }

  async findById(id: string): Promise<PartnerRecord | null> {
    return this.db.partner.findUnique({ where: { id }, select: { id: true, name: true, webhookSecret: true } });
  }

  async all(): Promise<PartnerRecord[]> {
    return this.db.partner.findMany({ select: { id: true, name: true, webhookSecret: true } });
  }

  /** Seeds or rotates a partner's credentials (dev stack seeds `demo`). */
  async upsert(partner: { id: string; name: string; apiKey: string; webhookSecret: string }): Promise<void> {
    const data = { name: partner.name, apiKeyHash: hashApiKey(partner.apiKey), webhookSecret: partner.webhookSecret };
    await this.db.partner.upsert({ where: { id: partner.id }, create: { id: partner.id, ...data }, update: data });
  }
}
