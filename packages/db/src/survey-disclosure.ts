import { sql } from 'kysely';
import type { Db } from './connection.js';

/**
 * Which groups of one survey's respondents may be shown anywhere — results, breakdowns, wave comparisons,
 * score evidence and its trail — decided once per survey, so no view can publish a group another view's
 * figures could be subtracted from.
 *
 * The rule: group every respondent by exactly which shown groups they belong to (their "atom"); every atom
 * must hold at least k respondents. Any figure a reader can derive from shown figures by adding and
 * subtracting them is a sum over whole atoms — each shown group is a union of atoms, so every linear
 * combination is constant on each atom — and therefore covers at least k respondents. The classic attack
 * (enterprise minus the one shown unit gives the hidden unit) is a combination whose atom is the hidden
 * unit; a department that is all of one unit but one person fails the same way, across dimensions.
 *
 * Groups are taken greedily: the whole survey once k answered, then units, departments and roles, each
 * largest first, a group kept only if every atom still holds k. Units go first because unit scores need them.
 */

export type BreakdownDimension = 'unit' | 'department' | 'role';
export const breakdownDimensions: readonly BreakdownDimension[] = ['unit', 'department', 'role'];

/** How many respondents share one combination of unit, department and role (null: not said). */
export interface RespondentCell {
  unit: string | null;
  department: string | null;
  role: string | null;
  respondents: number;
}

export interface DisclosurePlan {
  /** The survey's figures over all respondents. */
  overall: boolean;
  /** Per dimension, the group values (null: "did not say") whose figures may be shown. */
  shown: Record<BreakdownDimension, ReadonlySet<string | null>>;
}

function atomsHoldK(cells: readonly RespondentCell[], shown: DisclosurePlan['shown'], k: number): boolean {
  const atoms = new Map<string, number>();
  for (const cell of cells) {
    const signature = breakdownDimensions
      .map((dimension) => (shown[dimension].has(cell[dimension]) ? `=${cell[dimension]}` : '*'))
      .join('|');
    atoms.set(signature, (atoms.get(signature) ?? 0) + cell.respondents);
  }
  return [...atoms.values()].every((size) => size >= k);
}

/**
 * The groups of a survey that may be shown, for a minimum group size `k`.
 * @example planDisclosure([{ unit: 'a', department: null, role: null, respondents: 6 },
 *                          { unit: 'b', department: null, role: null, respondents: 2 }], 5)
 * // { overall: true, shown: { unit: ∅, … } }: showing a would give b away as total − a
 */
export function planDisclosure(cells: readonly RespondentCell[], k: number): DisclosurePlan {
  const shown = {
    unit: new Set<string | null>(),
    department: new Set<string | null>(),
    role: new Set<string | null>(),
  };
  const total = cells.reduce((sum, cell) => sum + cell.respondents, 0);
  if (total < k) return { overall: false, shown };
  for (const dimension of breakdownDimensions) {
    const sizes = new Map<string | null, number>();
    for (const cell of cells)
      sizes.set(cell[dimension], (sizes.get(cell[dimension]) ?? 0) + cell.respondents);
    const candidates = [...sizes]
      .filter(([, size]) => size >= k)
      .sort(([a, sizeA], [b, sizeB]) => sizeB - sizeA || String(a).localeCompare(String(b)));
    for (const [group] of candidates) {
      shown[dimension].add(group);
      if (!atomsHoldK(cells, shown, k)) shown[dimension].delete(group);
    }
  }
  return { overall: true, shown };
}

/** The respondent cells of the given surveys (count per unit × department × role), by survey id. */
export async function respondentCells(
  db: Db,
  orgId: string,
  surveyIds: readonly string[],
): Promise<Map<string, RespondentCell[]>> {
  const bySurvey = new Map<string, RespondentCell[]>(surveyIds.map((id) => [id, []]));
  if (surveyIds.length === 0) return bySurvey;
  const { rows } = await sql<RespondentCell & { survey_id: string }>`
    select survey_id, unit_id as unit, department_id as department, staff_role_id as role,
           count(*)::int as respondents
    from survey_responses
    where org_id = ${orgId} and survey_id = any(${surveyIds}::uuid[])
    group by 1, 2, 3, 4`.execute(db);
  for (const { survey_id, ...cell } of rows) bySurvey.get(survey_id)?.push(cell);
  return bySurvey;
}
