import type { Server } from '../server.js';

type Fields = [string, string | number][];

/** Adds fields to an INFO section, after whatever another subsystem already put there. */
function extendSection(server: Server, section: string, fields: () => Fields): void {
  const previous = server.infoSections.get(section);
  server.infoSections.set(section, previous === undefined ? fields : () => [...previous(), ...fields()]);
}

/**
 * INFO fields of the security and observability subsystems: ACL denials (stats, Redis
 * 7.2's names), paused clients (clients), and per-command latency percentiles
 * (latencystats, Redis 7.0's format: p50=..,p99=..,p99.9=.. in microseconds).
 */
export function registerInfoSections(server: Server): void {
  extendSection(server, 'stats', () => {
    const d = server.acl.denied;
    return [
      ['acl_access_denied_auth', d.auth],
      ['acl_access_denied_cmd', d.command],
      ['acl_access_denied_key', d.key],
      ['acl_access_denied_channel', d.channel],
    ];
  });
  extendSection(server, 'clients', () => [['paused_clients', server.pause.pausedClients]]);
  extendSection(server, 'latencystats', () => {
    const percentiles = server.config.get<number[]>('latency-tracking-info-percentiles');
    const out: Fields = [];
    for (const [name, h] of server.observability.histograms) {
      if (h.calls === 0) continue;
      const parts = percentiles.map((p) => `p${p}=${(h.percentile(p) / 1000).toFixed(3)}`);
      out.push([`latency_percentiles_usec_${name}`, parts.join(',')]);
    }
    return out;
  });
}
