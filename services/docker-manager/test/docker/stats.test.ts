import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cpuPercent, type EngineStats, memoryUsedNoCache, summariseStats } from '../../src/docker/stats.js';

const recorded = JSON.parse(
  readFileSync(new URL('../fixtures/engine/stats-cgroup-v1.json', import.meta.url), 'utf8'),
) as EngineStats;

describe('stats, as docker stats computes them', () => {
  it('reduces a recorded cgroup v1 sample', () => {
    const stats = summariseStats(recorded);
    // (Δ container CPU / Δ system CPU) × online CPUs × 100, from the recording's own numbers.
    const cpuDelta = 19_564_120;
    const systemDelta = 2_020_000_000;
    expect(stats.cpu_percent).toBeCloseTo((cpuDelta / systemDelta) * 2 * 100, 2);
    expect(stats.online_cpus).toBe(2);
    // usage − total_inactive_file (0 in this sample).
    expect(stats.memory).toEqual({
      used_bytes: 26_341_376,
      limit_bytes: 25_276_514_304,
      percent: Math.round((26_341_376 / 25_276_514_304) * 100 * 100) / 100,
    });
    expect(stats.network.interfaces).toBe(1);
    expect(stats.network.rx_bytes).toBe(recorded.networks!.eth0!.rx_bytes);
    expect(stats.pids).toBe(recorded.pids_stats!.current);
    expect(stats.read_at).toBe(recorded.read);
  });

  it('subtracts total_inactive_file (cgroup v1) or inactive_file (cgroup v2) from usage', () => {
    expect(memoryUsedNoCache({ usage: 1000, stats: { total_inactive_file: 300, inactive_file: 100 } })).toBe(
      700,
    );
    expect(memoryUsedNoCache({ usage: 1000, stats: { inactive_file: 250 } })).toBe(750);
    // Not below usage: usage as it is.
    expect(memoryUsedNoCache({ usage: 1000, stats: { total_inactive_file: 1000 } })).toBe(1000);
    expect(memoryUsedNoCache({ usage: 1000, stats: {} })).toBe(1000);
    expect(memoryUsedNoCache(undefined)).toBe(0);
  });

  it('gives 0 % CPU when either delta is not positive, and counts percpu_usage without online_cpus', () => {
    const sample = (total: number, system: number, previousTotal: number, previousSystem: number) => ({
      cpu_stats: { cpu_usage: { total_usage: total, percpu_usage: [1, 2, 3, 4] }, system_cpu_usage: system },
      precpu_stats: { cpu_usage: { total_usage: previousTotal }, system_cpu_usage: previousSystem },
    });
    expect(cpuPercent(sample(100, 1000, 100, 500)).percent).toBe(0);
    expect(cpuPercent(sample(200, 500, 100, 500)).percent).toBe(0);
    expect(cpuPercent(sample(150, 1500, 100, 1000))).toEqual({ percent: 40, onlineCpus: 4 });
  });

  it('sums block I/O by the first letter of op, and network over interfaces', () => {
    const stats = summariseStats({
      blkio_stats: {
        io_service_bytes_recursive: [
          { op: 'Read', value: 10 },
          { op: 'read', value: 5 },
          { op: 'Write', value: 7 },
          { op: 'Total', value: 22 },
          { op: '', value: 99 },
        ],
      },
      networks: { eth0: { rx_bytes: 1, tx_bytes: 2 }, eth1: { rx_bytes: 10, tx_bytes: 20 } },
    });
    expect(stats.block_io).toEqual({ read_bytes: 15, write_bytes: 7 });
    expect(stats.network).toEqual({ rx_bytes: 11, tx_bytes: 22, interfaces: 2 });
    expect(stats.memory.percent).toBe(0);
  });
});
