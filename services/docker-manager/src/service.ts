import { brokerUrl, defineService, type SetupContext } from '@neurhomia/mcp-mqtt-core';
import { type DockerManagerConfig, DockerManagerConfigSchema } from './config.js';
import { Engine } from './docker/engine.js';
import { CONTAINER_STATE_EVENT } from './events/container-state.js';
import { ContainerEventWatcher } from './events/watcher.js';
import { createDashboardWidgetResource } from './resources/dashboard-widget.js';
import { brokerAddress } from './safety/broker.js';
import { SafetyPolicy } from './safety/policy.js';
import { gatherSelfEvidence, type SelfEvidence } from './safety/self.js';
import type { DockerDeps } from './tools/common.js';
import { createContainerStatsTool } from './tools/container-stats.js';
import { createGetContainerLogsTool } from './tools/get-container-logs.js';
import { createInspectContainerTool } from './tools/inspect-container.js';
import { createListContainersTool } from './tools/list-containers.js';
import { createListImagesTool } from './tools/list-images.js';
import { createListStacksTool } from './tools/list-stacks.js';
import { createPullImageTool } from './tools/pull-image.js';
import { createRestartContainerTool } from './tools/restart-container.js';
import { createStartContainerTool } from './tools/start-container.js';
import { createStopContainerTool } from './tools/stop-container.js';

export async function setupDockerManager(ctx: SetupContext<DockerManagerConfig>, self?: SelfEvidence) {
  const { config, logger } = ctx;
  const engine = new Engine(
    {
      host: config.DOCKER_HOST,
      tlsVerify: config.DOCKER_TLS_VERIFY,
      certPath: config.DOCKER_CERT_PATH,
      sshAuthSock: config.SSH_AUTH_SOCK,
      timeoutMs: config.DOCKER_API_TIMEOUT_MS,
    },
    logger.child({ component: 'engine' }),
  );
  const evidence = self ?? (await gatherSelfEvidence());
  const broker = brokerAddress(brokerUrl(config));
  const policy = new SafetyPolicy(
    engine,
    {
      allowLabel: config.DOCKER_ALLOW_LABEL,
      allowNames: config.DOCKER_ALLOW_NAMES,
      protectNames: config.DOCKER_PROTECT_NAMES,
      broker,
      self: evidence,
    },
    logger.child({ component: 'safety' }),
  );
  const watcher = new ContainerEventWatcher({
    engine,
    events: ctx.events,
    manageable: (container) => policy.manageable(container),
    maxRetryMs: config.DOCKER_RECONNECT_MAX_S * 1000,
  });
  ctx.dependencies.register('docker', () => ({ ...engine.report(), event_stream: watcher.status }));
  const deps: DockerDeps = {
    engine,
    policy,
    config,
    limit: ctx.dependencies.limit('docker', { concurrency: config.DOCKER_CONCURRENCY }),
  };

  // Whenever the engine (re)appears, say which containers the rules protect: an operator sees at
  // once whether the service found its own container and its broker.
  engine.onChange((state) => {
    if (!state.reachable) return;
    policy.protection().then(
      (protection) =>
        logger.info(
          { protected: Object.fromEntries([...protection].map(([id, why]) => [id.slice(0, 12), why])) },
          'protected containers',
        ),
      (error: unknown) => logger.warn({ err: error }, 'protected containers: lookup failed'),
    );
  });
  logger.info(
    {
      engine: engine.where,
      read_only: config.DOCKER_READ_ONLY,
      manageable_by: policy.describeScope(),
      protect_names: config.DOCKER_PROTECT_NAMES,
      broker: broker ? `${broker.host}:${broker.port}` : null,
      own_container: evidence.ids.map((id) => id.slice(0, 12))[0] ?? evidence.hostnamePrefix ?? null,
      show_env: config.DOCKER_SHOW_ENV,
    },
    'docker-manager configured',
  );

  return {
    tools: [
      createListContainersTool(deps),
      createInspectContainerTool(deps),
      createStartContainerTool(deps),
      createStopContainerTool(deps),
      createRestartContainerTool(deps),
      createGetContainerLogsTool(deps),
      createContainerStatsTool(deps),
      createListImagesTool(deps),
      createPullImageTool(deps),
      createListStacksTool(deps),
    ],
    resources: [
      createDashboardWidgetResource({
        version: ctx.version,
        eventTopic: ctx.events.topic(CONTAINER_STATE_EVENT),
        readOnly: config.DOCKER_READ_ONLY,
        manageableBy: policy.describeScope(),
      }),
    ],
    tasks: [watcher],
  };
}

export const dockerManagerService = defineService({
  id: 'docker-manager',
  name: 'Docker Manager',
  description:
    'Containers, compose stacks and images of a Docker engine: list, inspect, logs, stats, start/stop/restart ' +
    'within a scope of manageable containers (never its own container or its broker), image pulls, a read-only ' +
    'mode, a dashboard widget and container_state events',
  config: DockerManagerConfigSchema,
  events: [CONTAINER_STATE_EVENT],
  setup: (ctx) => setupDockerManager(ctx),
});
