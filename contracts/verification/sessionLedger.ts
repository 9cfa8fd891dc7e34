import type { SessionAdmin } from './sessionAdmin';

/**
 * Every connect session the provider states create, until it is deleted: `cleanUp` removes what is left,
 * after each interaction, when verification fails, and when the run is interrupted.
 */
export class SessionLedger {
  private readonly live = new Set<string>();

  constructor(private readonly admin: SessionAdmin) {}

  async open(): Promise<string> {
    const token = await this.admin.create();
    this.live.add(token);
    return token;
  }

  async delete(token: string): Promise<void> {
    await this.admin.remove(token);
    this.live.delete(token);
  }

  get openCount(): number {
    return this.live.size;
  }

  /** Deletes every session still open; returns one line per session that could not be deleted (and stays open). */
  async cleanUp(): Promise<string[]> {
    const tokens = [...this.live];
    const results = await Promise.allSettled(tokens.map((token) => this.delete(token)));
    return results.flatMap((result) => (result.status === 'rejected' ? [`clean-up failed: ${(result.reason as Error).message}`] : []));
  }
}
