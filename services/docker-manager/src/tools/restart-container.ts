import type { DockerDeps } from './common.js';
import { lifecycleTool } from './lifecycle.js';

export function createRestartContainerTool(deps: DockerDeps) {
  return lifecycleTool(deps, {
    action: 'restart',
    name: 'restart_container',
    title: 'Restart a container',
    description: 'Stops (as stop_container does) then starts a container; starts it if it was stopped.',
  });
}
