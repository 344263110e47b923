import { type ChildProcess, spawn } from 'node:child_process';

/**
 * `pnpm start`: runs the API and the workers as separate processes (as production does), prefixes their
 * log lines, and stops them all when one exits or on Ctrl-C.
 */
const processes = [
  { name: 'api', entry: 'services/api/src/server.ts' },
  { name: 'analysis', entry: 'workers/analysis/src/main.ts' },
  { name: 'aggregation', entry: 'workers/aggregation/src/main.ts' },
];

const children: ChildProcess[] = [];
let stopping = false;

function stopAll(code: number) {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 10_000).unref();
  Promise.all(children.map((child) => new Promise((resolve) => child.once('exit', resolve)))).then(() =>
    process.exit(code),
  );
}

for (const { name, entry } of processes) {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    // natural reads a .env at import through dotenv; quiet keeps its banner out of our logs.
    env: { ...process.env, DOTENV_CONFIG_QUIET: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream?.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) process.stdout.write(`[${name}] ${line}\n`);
    });
  }
  child.once('exit', (code, signal) => {
    if (!stopping) {
      process.stdout.write(`[${name}] exited (${signal ?? code}); stopping the others\n`);
      stopAll(code ?? 1);
    }
  });
  children.push(child);
}

process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));
