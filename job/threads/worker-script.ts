import path from 'node:path';

/** Where a worker entry point lives and how to start it. */
export interface WorkerScript {
  readonly file: string;
  readonly execArgv: string[];
}

/**
 * The worker entry point `name` (without extension) in the folder of `callerFile`: the compiled
 * `.js`, or the `.ts` through tsx when the caller itself runs from source (tests, `tsx`).
 */
export function workerScript(callerFile: string, name: string): WorkerScript {
  const fromSource = callerFile.endsWith('.ts');
  // `node --cpu-prof` profiles every thread (one .cpuprofile each) when workers get the flags too.
  const profiling = process.execArgv.filter((arg) => arg.startsWith('--cpu-prof'));
  return {
    file: path.join(path.dirname(callerFile), `${name}.${fromSource ? 'ts' : 'js'}`),
    execArgv: [...(fromSource ? ['--require', 'tsx/cjs'] : []), ...profiling],
  };
}
