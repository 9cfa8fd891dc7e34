/**
 * The run's stop switch: an interruption (SIGINT/SIGTERM) or a rate limit that outlasted its budget flips it
 * once, with the reason. While it is on, no new session is created, waits on rate limits end, and the recording
 * proxy leaves the verifier's requests unanswered, so Pact's verifier neither goes on to the next interaction nor
 * publishes a result about a run that did not finish.
 */
export class RunStop {
  private reason: Error | undefined;
  private readonly listeners: Array<(reason: Error) => void> = [];

  get stopped(): boolean {
    return this.reason !== undefined;
  }

  /** Flips the switch; only the first reason counts. */
  stop(reason: Error): void {
    if (this.reason) return;
    this.reason = reason;
    for (const listener of this.listeners.splice(0)) listener(reason);
  }

  /** Calls `listener` once the run stops (at once if it has). */
  onStop(listener: (reason: Error) => void): void {
    if (this.reason) listener(this.reason);
    else this.listeners.push(listener);
  }

  /** Rejects with the reason once the run is stopped. */
  whenStopped(): Promise<never> {
    return new Promise((_resolve, reject) => this.onStop(reject));
  }
}
