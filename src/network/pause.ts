import type { CommandSpec } from '../dispatch/commandSpec.js';
import type { Client } from './client.js';

/** CLIENT PAUSE's modes: WRITE holds back commands that may write, ALL holds back every command. */
export type PauseMode = 'write' | 'all';

interface Postponed {
  client: Client;
  argv: string[];
}

/**
 * CLIENT PAUSE / UNPAUSE (Redis's pauseClients + blockPostponeClient): while paused, a
 * command that the mode covers is not run; its client stops processing (the rest of its
 * input waits in the parser) until the pause ends, then the command runs and the client
 * goes on, in the order the clients were held.
 */
export class ClientPause {
  mode: PauseMode | null = null;
  /** ms time at which the pause ends. */
  until = 0;
  private timer: NodeJS.Timeout | null = null;
  private postponed: Postponed[] = [];

  constructor(private readonly run: (client: Client, argv: string[]) => void) {}

  /** Redis: a pause never becomes less strict or shorter while it lasts. */
  pause(ms: number, mode: PauseMode): void {
    const end = Date.now() + ms;
    if (this.mode !== 'all') this.mode = mode;
    if (end > this.until) this.until = end;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.unpause(), Math.max(0, this.until - Date.now()));
    this.timer.unref();
  }

  /**
   * Whether this command waits (Redis's processCommand: any command under ALL; under WRITE,
   * commands flagged write or may_replicate, and EXEC when it has such commands queued).
   */
  holds(client: Client, spec: CommandSpec): boolean {
    if (this.mode === 'all') return true;
    if (mayReplicate(spec)) return true;
    if (spec.name === 'exec' && client.multi !== null) {
      for (const q of client.multi.queue) if (mayReplicate(q.spec)) return true;
    }
    return false;
  }

  postpone(client: Client, argv: string[]): void {
    client.blocked = true;
    this.postponed.push({ client, argv });
  }

  /** Ends the pause and runs the held commands, each client then going on with its input. */
  unpause(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.mode = null;
    this.until = 0;
    const held = this.postponed;
    this.postponed = [];
    for (const { client, argv } of held) {
      if (client.closed) continue;
      client.blocked = false;
      this.run(client, argv);
      // The command may have blocked the client again (a pause it asked for, a blocking pop).
      if (!client.blocked) client.unblock();
    }
  }

  /** A client closed while held. */
  forget(client: Client): void {
    if (this.postponed.length > 0) this.postponed = this.postponed.filter((p) => p.client !== client);
  }

  get pausedClients(): number {
    return this.postponed.length;
  }
}

function mayReplicate(spec: CommandSpec): boolean {
  return spec.flags.includes('write') || spec.flags.includes('may_replicate');
}
