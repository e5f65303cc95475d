import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

/** The repository these tests run in. */
export const ROOT = new URL('../../../../', import.meta.url).pathname;

/**
 * A copy of the repository's files (tracked, and untracked but not ignored: what `git status`
 * would commit) in a temporary folder, without node_modules, builds or git history: the
 * generator runs there, never in the working tree.
 */
export function copyRepository(): { root: string; [Symbol.dispose](): void } {
  const root = mkdtempSync(join(tmpdir(), 'new-service-'));
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  for (const path of listed.split('\0').filter(Boolean)) {
    if (!existsSync(join(ROOT, path))) continue; // deleted in the working tree
    mkdirSync(dirname(join(root, path)), { recursive: true });
    cpSync(join(ROOT, path), join(root, path));
  }
  // biome reads .gitignore through git (biome.json: vcs.useIgnoreFile).
  execFileSync('git', ['init', '-q'], { cwd: root });
  return { root, [Symbol.dispose]: () => rmSync(root, { recursive: true, force: true }) };
}

/** Every file below `dir` but node_modules and .git, with a digest of its content. */
export function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const path = relative(dir, join(entry.parentPath, entry.name));
    if (/(^|\/)(node_modules|\.git)(\/|$)/.test(path)) continue;
    files.set(
      path,
      entry.isFile()
        ? createHash('sha256')
            .update(readFileSync(join(dir, path)))
            .digest('hex')
        : 'dir',
    );
  }
  return files;
}
