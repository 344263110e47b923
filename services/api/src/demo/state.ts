import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Role } from '@cxloop/contracts';
import { z } from 'zod';
import type { DemoChannel } from './feedback-plan.js';
import type { DemoSource } from './senders.js';

/**
 * What the demo has created, kept in a file (default `.cxloop/demo.json`, git-ignored) so that a second run
 * finds its organisation instead of making another. It holds the demo's API keys and signing secrets in
 * plain text, readable by the owner only: they are a local demo's, printed on every run anyway.
 */
const DemoStateFile = z.object({
  version: z.literal(1),
  orgId: z.uuid(),
  apiKeys: z.object({
    admin: z.string(),
    manager: z.string(),
    responder: z.string(),
    // Absent from state files written before the assessor role: issued on the next run.
    assessor: z.string().default(''),
  }),
  sources: z.record(z.string(), z.object({ id: z.uuid(), webhookUrl: z.string(), secret: z.string() })),
  /** The staff survey wave: its invitation tokens are kept until it is closed, so an interrupted run resumes. */
  survey: z.object({ id: z.uuid(), tokens: z.array(z.string()), closed: z.boolean() }).optional(),
});

export interface DemoState {
  version: 1;
  orgId: string;
  apiKeys: Record<Role, string>;
  sources: Partial<Record<DemoChannel, DemoSource>>;
  survey?: { id: string; tokens: string[]; closed: boolean };
}

export const DEFAULT_DEMO_STATE_PATH = '.cxloop/demo.json';

/** The saved state, or undefined when there is none; a file that is not the demo's state is an error. */
export async function loadDemoState(path: string): Promise<DemoState | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = DemoStateFile.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new Error(
      `${path} is not a cxloop demo state file (${parsed.error.issues[0]?.message}); move it away`,
    );
  }
  return parsed.data as DemoState;
}

/** Writes the state atomically (a half-written file would lose the organisation's keys). */
export async function saveDemoState(path: string, state: DemoState): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, path);
}
