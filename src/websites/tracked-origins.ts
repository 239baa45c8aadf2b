// Which origins carry Spoor's script: those a registered website allows. An email click hands its
// browser identity only to such pages (never to another company's site). Kept for a few seconds per
// node, like WebsiteCache; a website registered through another node is seen within TTL_MS.
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { isOriginAllowed } from './origin-rules.ts';
import { listWebsites } from './store.ts';

const TTL_MS = 5_000;

export class TrackedOrigins {
  private allowed: string[][] = [];
  private expiresAt = 0;
  private loading: Promise<void> | null = null;

  constructor(private readonly db: Kysely<Database>) {}

  async includes(origin: string): Promise<boolean> {
    if (Date.now() >= this.expiresAt) {
      this.loading ??= listWebsites(this.db)
        .then((websites) => {
          this.allowed = websites.map((website) => website.allowedOrigins);
          this.expiresAt = Date.now() + TTL_MS;
        })
        .finally(() => {
          this.loading = null;
        });
      await this.loading;
    }
    return this.allowed.some((origins) => isOriginAllowed(origin, origins));
  }
}
