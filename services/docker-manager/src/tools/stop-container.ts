import type { DockerDeps } from './common.js';
import { lifecycleTool } from './lifecycle.js';

export function createStopContainerTool(deps: DockerDeps) {
  return lifecycleTool(deps, {
    action: 'stop',
    name: 'stop_container',
    title: 'Stop a container',
    description:
      'Stops a running container: its stop signal (SIGTERM by default), then SIGKILL after timeout_s ' +
      '(a stopped one is left as it is: changed=false).',
  });
}
