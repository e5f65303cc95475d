import type { LatencySummary, ThroughputResult } from './stats.js';

export interface SystemResult {
  /** Which system: the core's bench uses floor, core, core-client, naive, naive-qos0 and sdk-http. */
  key: string;
  label: string;
  latency: LatencySummary;
  throughput: ThroughputResult[];
}

export interface Memory {
  rssMb: number;
  anonMb: number;
}

export interface CoreProcessResult {
  discoveryMs: number;
  idle: Memory | undefined;
  after64: Memory | undefined;
}

export interface Check {
  name: string;
  value: number;
  target: string;
  pass: boolean;
  text: string;
}

const ms = (value: number) => (value < 10 ? value.toFixed(3) : value.toFixed(1));
const rate = (value: number | undefined) =>
  value === undefined ? '–' : Math.round(value).toLocaleString('en-US');
const micro = (value: number | undefined) => (value === undefined ? '–' : value.toFixed(0));
const mark = (pass: boolean) => (pass ? 'PASS' : 'MISS');

export function throughputAt(result: SystemResult | undefined, inFlight: number): number | undefined {
  return result?.throughput.find((t) => t.inFlight === inFlight)?.perSecond;
}

export function markdownTable(systems: SystemResult[], levels: number[]): string {
  const top = levels.at(-1);
  const head = [
    'system',
    'p50 ms',
    'p99 ms',
    ...levels.map((n) => `req/s @${n}`),
    `server CPU µs/call @${top}`,
    `client CPU µs/call @${top}`,
  ];
  const lines = [
    `| ${head.join(' | ')} |`,
    `| ${head.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
  ];
  for (const system of systems) {
    const last = system.throughput.find((t) => t.inFlight === top);
    const cells = [
      system.label,
      ms(system.latency.p50),
      ms(system.latency.p99),
      ...levels.map((n) => rate(throughputAt(system, n))),
      micro(last?.serverCpuUs),
      micro(last?.clientCpuUs),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** The brief's targets (§7), measured against the floor of the same run. */
export function checks(systems: SystemResult[], core: CoreProcessResult | undefined): Check[] {
  const floor = systems.find((s) => s.key === 'floor');
  const lean = systems.find((s) => s.key === 'core');
  const result: Check[] = [];
  if (floor && lean) {
    const p50 = lean.latency.p50 / floor.latency.p50;
    result.push({
      name: 'p50_ratio',
      value: p50,
      target: '<= 1.3',
      pass: p50 <= 1.3,
      text: `core p50 / floor p50 = ${ms(lean.latency.p50)} / ${ms(floor.latency.p50)} ms = ${p50.toFixed(2)}× (target ≤ 1.3×) ${mark(p50 <= 1.3)}`,
    });
    const coreRate = throughputAt(lean, 64);
    const floorRate = throughputAt(floor, 64);
    if (coreRate !== undefined && floorRate !== undefined) {
      const ratio = coreRate / floorRate;
      result.push({
        name: 'throughput64_ratio',
        value: ratio,
        target: '>= 0.7',
        pass: ratio >= 0.7,
        text: `core req/s@64 / floor req/s@64 = ${rate(coreRate)} / ${rate(floorRate)} = ${ratio.toFixed(2)}× (target ≥ 0.7×) ${mark(ratio >= 0.7)}`,
      });
    }
  }
  if (core) {
    if (core.idle) {
      const pass = core.idle.rssMb <= 80;
      const after = core.after64
        ? `${core.after64.rssMb.toFixed(1)} MB (RssAnon ${core.after64.anonMb.toFixed(1)} MB)`
        : '?';
      result.push({
        name: 'rss_idle_mb',
        value: core.idle.rssMb,
        target: '<= 80',
        pass,
        text: `core service VmRSS idle = ${core.idle.rssMb.toFixed(1)} MB (target ≤ 80 MB) ${mark(pass)} (RssAnon ${core.idle.anonMb.toFixed(1)} MB); after the 64-in-flight run = ${after}`,
      });
    }
    const pass = core.discoveryMs <= 1000;
    result.push({
      name: 'discovery_ms',
      value: core.discoveryMs,
      target: '<= 1000',
      pass,
      text: `core service spawn → retained mcp/bench/discovery "ready" at a subscriber = ${core.discoveryMs.toFixed(0)} ms (target ≤ 1000 ms) ${mark(pass)}`,
    });
  }
  return result;
}

/** Relative position of the other rows, for context (no target). */
export function comparisons(systems: SystemResult[]): string[] {
  const floor = systems.find((s) => s.key === 'floor');
  if (!floor) return [];
  return systems
    .filter((s) => s.key !== 'floor')
    .map((s) => {
      const at64 = throughputAt(s, 64);
      const floor64 = throughputAt(floor, 64);
      const ratio =
        at64 !== undefined && floor64 !== undefined ? `, req/s@64 ${(at64 / floor64).toFixed(2)}×` : '';
      return `${s.label}: p50 ${(s.latency.p50 / floor.latency.p50).toFixed(2)}× the floor${ratio}`;
    });
}

/** Calls that failed (timeouts, errors) during the throughput runs; none is expected. */
export function errorLines(systems: SystemResult[]): string[] {
  return systems.flatMap((s) =>
    s.throughput
      .filter((t) => t.errors > 0)
      .map((t) => `WARNING: ${s.label} @${t.inFlight}: ${t.errors} calls failed`),
  );
}
