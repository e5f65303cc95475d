import { defineTool } from '@neurhomia/mcp-mqtt-core';
import type Docker from 'dockerode';
import { z } from 'zod';
import {
  composeOf,
  containerRef,
  identityOfInspect,
  inspectContainer,
  nameOf,
} from '../docker/containers.js';
import { clip, type DockerDeps, isoOrNull, readTool } from './common.js';

export const REDACTED = '[redacted]';
/** Bounds of one answer: a container with thousands of labels or env entries stays readable. */
const MAX_ENTRIES = 200;
const MAX_VALUE = 1_000;

/** `NAME=value` entries → names with their values, or `[redacted]`; at most MAX_ENTRIES. */
export function environment(env: readonly string[] | null | undefined, showValues: boolean) {
  const entries: Record<string, string> = {};
  for (const entry of (env ?? []).slice(0, MAX_ENTRIES)) {
    const separator = entry.indexOf('=');
    const name = separator === -1 ? entry : entry.slice(0, separator);
    entries[name] = showValues && separator !== -1 ? clip(entry.slice(separator + 1), MAX_VALUE) : REDACTED;
  }
  return { entries, count: env?.length ?? 0, values: showValues ? 'shown' : 'redacted' };
}

function capped(record: Record<string, string> | null | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(record ?? {})
      .slice(0, MAX_ENTRIES)
      .map(([key, value]) => [key, clip(value, MAX_VALUE)]),
  );
}

/** The inspect document, reshaped and bounded; environment values redacted unless shown. */
export function describeContainer(info: Docker.ContainerInspectInfo, deps: Pick<DockerDeps, 'config'>) {
  const { State: state, Config: config, HostConfig: host } = info;
  const health = state.Health;
  const lastCheck = health?.Log?.at(-1);
  return {
    id: info.Id,
    short_id: info.Id.slice(0, 12),
    name: nameOf(info.Name),
    image: config.Image,
    image_id: info.Image,
    created: info.Created,
    state: {
      status: state.Status,
      running: state.Running,
      paused: state.Paused,
      restarting: state.Restarting,
      oom_killed: state.OOMKilled,
      exit_code: state.ExitCode,
      error: state.Error || null,
      pid: state.Pid,
      started_at: isoOrNull(state.StartedAt),
      finished_at: isoOrNull(state.FinishedAt),
      health: health
        ? {
            status: health.Status,
            failing_streak: health.FailingStreak,
            last_check: lastCheck
              ? {
                  exit_code: lastCheck.ExitCode,
                  output: clip(lastCheck.Output ?? '', MAX_VALUE),
                  start: lastCheck.Start,
                  end: lastCheck.End,
                }
              : null,
          }
        : null,
    },
    restart_policy: {
      name: host?.RestartPolicy?.Name || 'no',
      maximum_retry_count: host?.RestartPolicy?.MaximumRetryCount ?? 0,
    },
    restart_count: info.RestartCount,
    config: {
      hostname: config.Hostname,
      user: config.User || null,
      entrypoint: config.Entrypoint ?? null,
      cmd: config.Cmd ?? null,
      working_dir: config.WorkingDir || null,
      tty: config.Tty,
      env: environment(config.Env, deps.config.DOCKER_SHOW_ENV),
      labels: capped(config.Labels),
      exposed_ports: Object.keys(config.ExposedPorts ?? {}),
      healthcheck: config.Healthcheck?.Test ?? null,
      stop_signal: (config as { StopSignal?: string }).StopSignal ?? null,
    },
    resources: {
      memory_limit_bytes: host?.Memory || null,
      nano_cpus: host?.NanoCpus || null,
      cpu_shares: host?.CpuShares || null,
      pids_limit: host?.PidsLimit || null,
      privileged: host?.Privileged ?? false,
      network_mode: host?.NetworkMode ?? null,
    },
    mounts: (info.Mounts ?? []).slice(0, MAX_ENTRIES).map((mount) => ({
      type: mount.Type,
      ...(mount.Name ? { name: mount.Name } : {}),
      source: mount.Source,
      destination: mount.Destination,
      read_write: mount.RW,
    })),
    networks: Object.fromEntries(
      Object.entries(info.NetworkSettings?.Networks ?? {})
        .slice(0, MAX_ENTRIES)
        .map(([name, network]) => [
          name,
          {
            ip_address: network.IPAddress || null,
            gateway: network.Gateway || null,
            mac_address: network.MacAddress || null,
            aliases: network.Aliases ?? [],
          },
        ]),
    ),
    ports: Object.fromEntries(
      Object.entries(info.NetworkSettings?.Ports ?? {}).map(([port, bindings]) => [
        port,
        (bindings ?? []).map((binding) => `${binding.HostIp || '0.0.0.0'}:${binding.HostPort}`),
      ]),
    ),
    compose: composeOf(config.Labels),
  };
}

export function createInspectContainerTool(deps: DockerDeps) {
  return defineTool({
    name: 'inspect_container',
    description:
      'Details of one container: state (exit code, health and its last check), restart policy, config ' +
      '(command, user, labels, environment variable names — values redacted unless the service shows them), ' +
      'mounts, networks, ports and resource limits.',
    ...readTool(deps, 'Inspect a container'),
    input: z.object({ id: containerRef }),
    handler: async ({ id }, { signal }) => {
      const info = await inspectContainer(deps.engine, id, signal);
      const identity = identityOfInspect(info);
      const protectedBecause = deps.policy.protectedReason(identity, await deps.policy.protection(signal));
      return {
        ...describeContainer(info, deps),
        manageable: deps.policy.manageable(identity) && !protectedBecause,
        ...(protectedBecause ? { protected: protectedBecause } : {}),
      };
    },
  });
}
