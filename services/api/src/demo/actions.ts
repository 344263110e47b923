import type { ActionStatus } from '@cxloop/contracts';
import type { DemoHttp } from './http.js';
import { SOUTH_COACHING_DAYS_AGO } from './scenarios.js';
import type { DemoState } from './state.js';

const DAY_MS = 86_400_000;

interface DemoAction {
  title: string;
  description: string;
  scope: { unit?: 'north' | 'south'; channel?: string; topic?: string };
  owner: { team: string } | { member: string };
  metric: string;
  targetValue: number;
  /** Days from today (negative: in the past). */
  startIn: number;
  dueIn: number;
  priority: 'high' | 'medium' | 'low';
  origin: Record<string, string>;
  /** Where the demo leaves it, moved there one allowed step at a time. */
  status: ActionStatus;
}

/**
 * Improvement actions at every stage. The South coaching is built into the generated history
 * (`SOUTH_COACHING_DAYS_AGO`), so its NPS rises against North's; the shorter survey changed nothing its
 * channel did not share with the others, so its difference in differences finds no change.
 */
const demoActions: readonly DemoAction[] = [
  {
    title: 'Coach the South store teams and open extra tills',
    description: 'Customers in South wrote about rude staff and long queues; coaching and two more tills.',
    scope: { unit: 'south' },
    owner: { team: 'Customer care' },
    metric: 'nps',
    targetValue: 30,
    startIn: -SOUTH_COACHING_DAYS_AGO,
    dueIn: -14,
    priority: 'high',
    origin: { kind: 'ranked_action', ref: 'D6.2' },
    status: 'done',
  },
  {
    title: 'Shorter post-purchase survey',
    description: 'Cut the survey from twelve questions to four, hoping for happier answers.',
    scope: { channel: 'survey' },
    owner: { member: 'Tom Okafor' },
    metric: 'nps',
    targetValue: 40,
    startIn: -SOUTH_COACHING_DAYS_AGO,
    dueIn: -21,
    priority: 'medium',
    origin: { kind: 'manual' },
    status: 'done',
  },
  {
    title: 'Text customers their delivery slot the day before',
    description: 'Late deliveries are the fastest-rising complaint; confirm the slot by SMS.',
    scope: { topic: 'delivery_delay' },
    owner: { team: 'Escalations' },
    metric: 'topic_share',
    targetValue: 0.05,
    startIn: -5,
    dueIn: 25,
    priority: 'high',
    origin: { kind: 'driver', topic: 'delivery_delay' },
    status: 'in_progress',
  },
  {
    title: "Fix the app's saved-basket bug",
    description: 'Baskets empty themselves after a login; customers have to start again.',
    scope: { channel: 'web' },
    owner: { member: 'Mei Lin' },
    metric: 'ces',
    targetValue: 5.5,
    startIn: 7,
    dueIn: 40,
    priority: 'low',
    origin: { kind: 'manual' },
    status: 'planned',
  },
  {
    title: 'Weekend opening of the phone line',
    description: 'Several customers could not reach us on Saturdays.',
    scope: { channel: 'call' },
    owner: { team: 'Customer care' },
    metric: 'csat',
    targetValue: 4.2,
    startIn: 14,
    dueIn: 60,
    priority: 'medium',
    origin: { kind: 'manual' },
    status: 'proposed',
  },
];

const PLAN: readonly ActionStatus[] = ['proposed', 'planned', 'in_progress', 'done'];

/**
 * Plans the demo's improvement actions through the API as its manager, and moves each to its stage; an
 * action whose title exists already is left as it is, so a second run changes nothing.
 */
export async function ensureDemoActions(http: DemoHttp, state: DemoState, now: Date): Promise<number> {
  const apiKey = state.apiKeys.manager;
  const get = async <T>(path: string) => (await http.send({ method: 'GET', path, apiKey })).json<T>();
  const [existing, teams, members, units] = await Promise.all([
    get<{ actions: { title: string }[] }>('/v1/actions'),
    get<{ teams: { id: string; name: string }[] }>('/v1/teams'),
    get<{ members: { id: string; name: string }[] }>('/v1/members'),
    get<{ units: { id: string; key: string }[] }>('/v1/units'),
  ]);
  const known = new Set(existing.actions.map((action) => action.title));
  const day = (offset: number) => new Date(now.getTime() + offset * DAY_MS).toISOString().slice(0, 10);
  const idOf = (list: { id: string; name?: string; key?: string }[], name: string) => {
    const found = list.find((entry) => entry.name === name || entry.key === name);
    if (!found) throw new Error(`the demo has no ${name}`);
    return found.id;
  };
  let created = 0;
  for (const action of demoActions) {
    if (known.has(action.title)) continue;
    const response = await http.send({
      method: 'POST',
      path: '/v1/actions',
      apiKey,
      json: {
        title: action.title,
        description: action.description,
        scope: {
          ...(action.scope.unit && { unitId: idOf(units.units, action.scope.unit) }),
          ...(action.scope.channel && { channel: action.scope.channel }),
          ...(action.scope.topic && { topic: action.scope.topic }),
        },
        owner:
          'team' in action.owner
            ? { teamId: idOf(teams.teams, action.owner.team) }
            : { memberId: idOf(members.members, action.owner.member) },
        metric: action.metric,
        targetValue: action.targetValue,
        startDate: day(action.startIn),
        dueDate: day(action.dueIn),
        priority: action.priority,
        origin: action.origin,
      },
    });
    const { id } = response.json<{ id: string }>();
    for (const status of PLAN.slice(1, PLAN.indexOf(action.status) + 1)) {
      await http.send({ method: 'PATCH', path: `/v1/actions/${id}`, apiKey, json: { status } });
    }
    created += 1;
  }
  return created;
}
