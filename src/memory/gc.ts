import v8 from 'node:v8';
import vm from 'node:vm';

let gcFunction: (() => void) | null = null;

/**
 * A full, compacting V8 collection (MEMORY PURGE, calibration tests). Node exposes gc()
 * only under --expose-gc; setting the flag at run time and reading `gc` in a fresh
 * context gives the same function without restarting the process.
 */
export function fullGc(): void {
  if (gcFunction === null) {
    const g = (globalThis as { gc?: () => void }).gc;
    if (typeof g === 'function') gcFunction = g;
    else {
      v8.setFlagsFromString('--expose-gc');
      gcFunction = vm.runInNewContext('gc') as () => void;
    }
  }
  gcFunction();
}
