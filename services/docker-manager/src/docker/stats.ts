/**
 * One `GET /containers/{id}/stats?stream=false` sample, reduced as `docker stats` reduces it
 * (docker/cli, cli/command/container/stats_helpers.go — Linux containers):
 *
 * - CPU % = (Δ container CPU time / Δ host CPU time) × online CPUs × 100, between precpu_stats
 *   and cpu_stats (the engine takes the two samples ~1 s apart when not streaming); 0 when either
 *   delta is not positive. Online CPUs fall back to the length of percpu_usage.
 * - memory used = usage − total_inactive_file (cgroup v1) or − inactive_file (cgroup v2), when
 *   that is below usage; else usage. Memory % = used / limit × 100 (0 without a limit reading).
 * - network = sum of rx/tx bytes over the interfaces; block I/O = sum of io_service_bytes_recursive
 *   entries whose op starts with r/R (read) or w/W (write).
 */
export interface EngineStats {
  read?: string;
  preread?: string;
  pids_stats?: { current?: number; limit?: number };
  cpu_stats?: CpuStats;
  precpu_stats?: CpuStats;
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }>;
  blkio_stats?: { io_service_bytes_recursive?: Array<{ op?: string; value?: number }> | null };
}

interface CpuStats {
  cpu_usage?: { total_usage?: number; percpu_usage?: number[] | null };
  system_cpu_usage?: number;
  online_cpus?: number;
}

export interface ContainerStats {
  read_at: string | null;
  cpu_percent: number;
  online_cpus: number;
  memory: { used_bytes: number; limit_bytes: number; percent: number };
  network: { rx_bytes: number; tx_bytes: number; interfaces: number };
  block_io: { read_bytes: number; write_bytes: number };
  pids: number;
}

export function cpuPercent(stats: EngineStats): { percent: number; onlineCpus: number } {
  const current = stats.cpu_stats;
  const previous = stats.precpu_stats;
  const cpuDelta = (current?.cpu_usage?.total_usage ?? 0) - (previous?.cpu_usage?.total_usage ?? 0);
  const systemDelta = (current?.system_cpu_usage ?? 0) - (previous?.system_cpu_usage ?? 0);
  const onlineCpus = current?.online_cpus || current?.cpu_usage?.percpu_usage?.length || 0;
  const percent = systemDelta > 0 && cpuDelta > 0 ? (cpuDelta / systemDelta) * onlineCpus * 100 : 0;
  return { percent, onlineCpus };
}

export function memoryUsedNoCache(memory: EngineStats['memory_stats']): number {
  const usage = memory?.usage ?? 0;
  const stats = memory?.stats ?? {};
  const v1 = stats.total_inactive_file;
  if (v1 !== undefined && v1 < usage) return usage - v1;
  const v2 = stats.inactive_file ?? 0;
  return v2 < usage ? usage - v2 : usage;
}

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

export function summariseStats(stats: EngineStats): ContainerStats {
  const { percent, onlineCpus } = cpuPercent(stats);
  const used = memoryUsedNoCache(stats.memory_stats);
  const limit = stats.memory_stats?.limit ?? 0;
  let rx = 0;
  let tx = 0;
  for (const network of Object.values(stats.networks ?? {})) {
    rx += network.rx_bytes ?? 0;
    tx += network.tx_bytes ?? 0;
  }
  let readBytes = 0;
  let writeBytes = 0;
  for (const entry of stats.blkio_stats?.io_service_bytes_recursive ?? []) {
    const op = entry.op?.[0];
    if (op === 'r' || op === 'R') readBytes += entry.value ?? 0;
    else if (op === 'w' || op === 'W') writeBytes += entry.value ?? 0;
  }
  return {
    read_at: stats.read ?? null,
    cpu_percent: round(percent),
    online_cpus: onlineCpus,
    memory: { used_bytes: used, limit_bytes: limit, percent: limit > 0 ? round((used / limit) * 100) : 0 },
    network: { rx_bytes: rx, tx_bytes: tx, interfaces: Object.keys(stats.networks ?? {}).length },
    block_io: { read_bytes: readBytes, write_bytes: writeBytes },
    pids: stats.pids_stats?.current ?? 0,
  };
}
