import { defineTool, ToolError } from '@neurhomia/mcp-mqtt-core';
import { z } from 'zod';
import { oneShotStats } from '../docker/api.js';
import { containerError, containerRef, inspectContainer, nameOf } from '../docker/containers.js';
import { type EngineStats, summariseStats } from '../docker/stats.js';
import { type DockerDeps, readTool } from './common.js';

export function createContainerStatsTool(deps: DockerDeps) {
  return defineTool({
    name: 'container_stats',
    description:
      'One resource sample of a running container, computed as `docker stats` computes it: CPU % ' +
      '(100 % = one core), memory used without the page cache / limit / %, network and block I/O bytes ' +
      'since start, and process count. Takes about a second (the engine samples CPU twice).',
    ...readTool(deps, 'Container stats'),
    input: z.object({ id: containerRef }),
    handler: async ({ id }, { signal }) => {
      const info = await inspectContainer(deps.engine, id, signal);
      const name = nameOf(info.Name);
      if (!info.State.Running)
        throw new ToolError(`Container ${name} is not running (${info.State.Status}): it has no stats`, {
          data: { reason: 'not_running', id: info.Id.slice(0, 12), state: info.State.Status },
        });
      let sample: EngineStats;
      try {
        // stream=false: the engine answers once, with precpu_stats from its previous sample.
        sample = (await deps.engine.call(
          (docker) => oneShotStats(docker, info.Id, signal),
          signal,
        )) as EngineStats;
      } catch (error) {
        throw containerError(error, id);
      }
      return { id: info.Id.slice(0, 12), name, ...summariseStats(sample) };
    },
  });
}
