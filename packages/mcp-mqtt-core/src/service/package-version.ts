import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';

function versionAbove(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    const file = join(dir, 'package.json');
    // A dependency's manifest is not the service's (vitest, tsx… may be the entry module).
    if (!dir.split(sep).includes('node_modules') && existsSync(file)) {
      try {
        const { version } = JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown };
        if (typeof version === 'string' && version !== '') return version;
      } catch {
        // an unreadable manifest: keep looking above it
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The version a service announces when its definition gives none: that of the nearest
 * package.json above the process's entry module (`node dist/main.js`, `tsx src/main.ts`), else
 * above the working directory (tests), else `0.0.0`.
 */
export function servicePackageVersion(entry: string | undefined = process.argv[1]): string {
  return (entry ? versionAbove(dirname(entry)) : undefined) ?? versionAbove(process.cwd()) ?? '0.0.0';
}
