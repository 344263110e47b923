import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** A cxloop process (API or worker) run the way production runs it: its own Node process and environment. */
export interface RunningProcess {
  name: string;
  child: ChildProcess;
  /** Everything it wrote, for a failing test's message. */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Resolves with the exit code once the process ends by itself. */
  exited: Promise<number | null>;
}

export const entries = {
  api: 'services/api/src/server.ts',
  analysis: 'workers/analysis/src/main.ts',
  aggregation: 'workers/aggregation/src/main.ts',
} as const;

export interface ProcessOptions {
  args?: readonly string[];
  /** Node flags before the entry, e.g. `--cpu-prof`. */
  nodeFlags?: readonly string[];
}

export function startProcess(
  name: string,
  entry: string,
  env: Record<string, string>,
  options: ProcessOptions = {},
): RunningProcess {
  const nodeArgs = [...(options.nodeFlags ?? []), '--import', 'tsx', entry, ...(options.args ?? [])];
  const child = spawn(process.execPath, nodeArgs, {
    env: { ...process.env, DOTENV_CONFIG_QUIET: 'true', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    name,
    child,
    exited,
    output: () => output,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function waitForHttp(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}
