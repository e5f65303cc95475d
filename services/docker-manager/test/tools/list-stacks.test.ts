import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { engineFilters } from '../../src/tools/list-containers.js';
import { groupStacks } from '../../src/tools/list-stacks.js';

const entry = (name: string, state: string, labels: Record<string, string> = {}) =>
  ({
    Id: `${name.padEnd(12, '0')}${'f'.repeat(52)}`,
    Names: [`/${name}`],
    State: state,
    Status: state === 'running' ? 'Up 2 minutes (healthy)' : 'Exited (0) 1 minute ago',
    Labels: labels,
  }) as unknown as Docker.ContainerInfo;
const compose = (project: string, service: string) => ({
  'com.docker.compose.project': project,
  'com.docker.compose.service': service,
  'com.docker.compose.project.working_dir': `/srv/${project}`,
});

describe('list_stacks grouping', () => {
  it('groups by compose project with running/total, and counts the rest apart', () => {
    const { stacks, standalone } = groupStacks([
      entry('media-web', 'running', compose('media', 'web')),
      entry('home-mqtt', 'running', compose('home', 'mqtt')),
      entry('media-db', 'exited', compose('media', 'db')),
      entry('loose', 'exited'),
    ]);
    expect(stacks.map((s) => [s.project, s.running, s.total])).toEqual([
      ['home', 1, 1],
      ['media', 1, 2],
    ]);
    expect(stacks[1]).toMatchObject({
      working_dir: '/srv/media',
      containers: [
        { name: 'media-db', service: 'db', state: 'exited', health: null },
        { name: 'media-web', service: 'web', state: 'running', health: 'healthy' },
      ],
    });
    expect(standalone).toEqual({ running: 0, total: 1 });
  });
});

describe('list_containers filters', () => {
  it('become the Engine API filters', () => {
    expect(
      engineFilters({
        name: 'web',
        label: ['tier=front'],
        status: ['running'],
        compose_project: 'media',
        image: 'nginx',
      }),
    ).toEqual({
      name: ['web'],
      label: ['tier=front', 'com.docker.compose.project=media'],
      status: ['running'],
      ancestor: ['nginx'],
    });
    expect(engineFilters(undefined)).toEqual({});
  });
});
