import type { DockerDeps } from './common.js';
import { lifecycleTool } from './lifecycle.js';

export function createStartContainerTool(deps: DockerDeps) {
  return lifecycleTool(deps, {
    action: 'start',
    name: 'start_container',
    title: 'Start a container',
    description: 'Starts a stopped container (a running one is left as it is: changed=false).',
  });
}
