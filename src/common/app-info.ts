import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface AppInfo {
  name: string;
  version: string;
  /** The repository root (or /app in the container): where package.json is. */
  root: string;
}

// The same code runs from src/ (tests) and dist/src/ (the built app), at different depths.
function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const APP_INFO: AppInfo = (() => {
  const root = findRoot(__dirname);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
  return { name: pkg.name, version: pkg.version, root };
})();
