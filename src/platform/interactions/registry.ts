// The sources that make up the feed. Each domain registers its source (src/interaction-feed.ts); a new
// capability joins by registering, without the feed or any other domain changing.
import { SOURCE_NAME } from './contact-cursor.ts';
import type { InteractionSource } from './interaction.ts';

export class InteractionRegistry {
  readonly #sources = new Map<string, InteractionSource>();

  register(source: InteractionSource): this {
    if (!SOURCE_NAME.test(source.name))
      throw new Error(`Interaction source name "${source.name}" must be lower-case letters and underscores.`);
    if (this.#sources.has(source.name))
      throw new Error(`Interaction source "${source.name}" is registered twice.`);
    const taken = this.all().flatMap((other) => other.kinds.map((kind) => [kind, other.name] as const));
    for (const kind of source.kinds) {
      const owner = taken.find(([k]) => k === kind);
      if (owner) throw new Error(`Interaction kind "${kind}" is already "${owner[1]}"'s.`);
    }
    this.#sources.set(source.name, source);
    return this;
  }

  all(): InteractionSource[] {
    return [...this.#sources.values()];
  }

  get(name: string): InteractionSource | undefined {
    return this.#sources.get(name);
  }
}
