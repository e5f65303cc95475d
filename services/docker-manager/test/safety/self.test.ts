import { describe, expect, it } from 'vitest';
import { hostnamePrefix, idsFromCgroup, idsFromMountinfo } from '../../src/safety/self.js';

const ID = 'ab204092e6a27093fa094617b01339f54d49502a508338ec6652ce788b83855c';

describe("a container's own id, from /proc", () => {
  it('reads /proc/self/cgroup of cgroup v1 (cgroupfs and systemd drivers) and nested paths', () => {
    expect(idsFromCgroup(`12:memory:/docker/${ID}\n11:cpu,cpuacct:/docker/${ID}\n0::/`)).toEqual([ID]);
    expect(idsFromCgroup(`1:name=systemd:/system.slice/docker-${ID}.scope`)).toEqual([ID]);
    expect(idsFromCgroup(`0::/kubepods/besteffort/pod1/docker-${ID}.scope`)).toEqual([ID]);
  });

  it('finds nothing in a private cgroup namespace (cgroup v2 default) or on a host', () => {
    expect(idsFromCgroup('0::/')).toEqual([]);
    expect(idsFromCgroup('4:memory:/process_api/9375cb6c5cd262cd491a9074af81a31d\n0::/user.slice')).toEqual(
      [],
    );
  });

  it('reads the roots of the files the engine bind-mounts, whatever the data root', () => {
    const mountinfo = [
      '600 500 0:52 / / rw,relatime master:1 - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/X',
      `610 600 8:1 /var/lib/docker/containers/${ID}/resolv.conf /etc/resolv.conf rw,relatime - ext4 /dev/sda1 rw`,
      `611 600 8:1 /containers/${ID}/hostname /etc/hostname rw,relatime - ext4 /dev/sdb1 rw`,
      `612 600 0:53 / /dev/shm rw - tmpfs shm rw,size=65536k`,
    ].join('\n');
    expect(idsFromMountinfo(mountinfo)).toEqual([ID]);
    // The host's own mountinfo lists a container's shm mount point, not a mount root: not us.
    expect(
      idsFromMountinfo(`700 29 0:60 / /var/lib/docker/containers/${ID}/mounts/shm rw - tmpfs shm rw`),
    ).toEqual([]);
  });

  it('takes a hostname as an id prefix only when it looks like one', () => {
    expect(hostnamePrefix('ab204092e6a2')).toBe('ab204092e6a2');
    expect(hostnamePrefix('mosquitto')).toBeUndefined();
    expect(hostnamePrefix('abc123')).toBeUndefined();
  });
});
