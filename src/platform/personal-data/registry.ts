// The personal-data registry: each domain that holds data about a contact says how to export, erase
// and merge it, so privacy and identity act on every domain without naming any domain's tables.
import type { Engine } from '../../storage/database.ts';
import type { Db } from '../../storage/schema.ts';

/** The contact being exported or erased, read inside the caller's transaction. */
export interface ContactScope {
  tx: Db;
  engine: Engine;
  contactId: string;
  /** The contact's address as matched (lower-cased), read before anything is erased. */
  emailMatch: string | null;
}

/** Two contacts found to be one person: everything of `loserId` becomes `winnerId`'s. */
export interface MergeScope {
  tx: Db;
  engine: Engine;
  winnerId: string;
  loserId: string;
  now: number;
}

export interface PersonalDataHolder {
  /** The domain's name (for errors and docs); unique in a registry. */
  name: string;
  /** Sections of the export document (top-level keys, unique across holders) with the contact's data. */
  export(scope: ContactScope): Promise<Record<string, unknown>>;
  /** Deletes the contact's data; answers how many rows of each kind went (keys unique across holders). */
  erase(scope: ContactScope): Promise<Record<string, number>>;
  /** Gives the loser's data to the winner (the loser's contact row is deleted after every holder ran). */
  merge(scope: MergeScope): Promise<void>;
}

/**
 * Holders in export order, from the contact outwards. Erasure runs in the reverse order, from the
 * outside in: it is the order the hot-path writers lock in (email rows, then page views, then
 * browsers, then the contact), so an erasure and a concurrent write wait for each other instead of
 * deadlocking. Merges run in export order.
 */
export class PersonalDataRegistry {
  readonly #holders: PersonalDataHolder[];

  constructor(holders: readonly PersonalDataHolder[]) {
    this.#holders = [];
    for (const holder of holders) this.register(holder);
  }

  /**
   * Adds a holder; `before` names the holder it goes in front of (the end when absent). Answers a
   * function that removes it again (tests register throwaway domains).
   */
  register(holder: PersonalDataHolder, options: { before?: string } = {}): () => void {
    if (this.#holders.some((h) => h.name === holder.name)) {
      throw new Error(`A personal-data holder named "${holder.name}" is already registered.`);
    }
    const at = options.before === undefined ? -1 : this.#holders.findIndex((h) => h.name === options.before);
    if (options.before !== undefined && at < 0) {
      throw new Error(`No personal-data holder named "${options.before}" to register in front of.`);
    }
    this.#holders.splice(at < 0 ? this.#holders.length : at, 0, holder);
    return () => {
      const index = this.#holders.indexOf(holder);
      if (index >= 0) this.#holders.splice(index, 1);
    };
  }

  names(): string[] {
    return this.#holders.map((h) => h.name);
  }

  async exportContact(scope: ContactScope): Promise<Record<string, unknown>> {
    const document: Record<string, unknown> = {};
    for (const holder of this.#holders) {
      mergeDistinct(document, await holder.export(scope), holder.name, 'export section');
    }
    return document;
  }

  async eraseContact(scope: ContactScope): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const holder of [...this.#holders].reverse()) {
      mergeDistinct(counts, await holder.erase(scope), holder.name, 'erasure count');
    }
    return counts;
  }

  async mergeContacts(scope: MergeScope): Promise<void> {
    for (const holder of this.#holders) await holder.merge(scope);
  }
}

/** Two holders answering the same key would silently hide one's data: refuse it loudly instead. */
function mergeDistinct<T>(into: Record<string, T>, part: Record<string, T>, holder: string, what: string) {
  for (const [key, value] of Object.entries(part)) {
    if (Object.hasOwn(into, key)) {
      throw new Error(
        `Personal-data holder "${holder}" answers the ${what} "${key}" another holder answers.`,
      );
    }
    into[key] = value;
  }
}
