import { describe, expect, it } from 'vitest';
import { planDisclosure, type RespondentCell } from './survey-disclosure.js';

const cell = (
  unit: string | null,
  department: string | null,
  respondents: number,
  role: string | null = null,
) => ({ unit, department, role, respondents }) satisfies RespondentCell;
const shownOf = (cells: RespondentCell[], k = 5) => {
  const plan = planDisclosure(cells, k);
  return { overall: plan.overall, unit: [...plan.shown.unit], department: [...plan.shown.department] };
};

describe('planDisclosure', () => {
  it('shows nothing while fewer than k answered', () => {
    expect(shownOf([cell('a', null, 4)])).toEqual({ overall: false, unit: [], department: [] });
  });

  it('holds back a unit that the enterprise minus the hidden one would give away', () => {
    // a 6, b 2: showing a makes b = total − a.
    expect(shownOf([cell('a', null, 6), cell('b', null, 2)])).toMatchObject({ overall: true, unit: [] });
    // a 6, b 5, c 2: a and b both shown would leave c as the difference; only the larger one is shown.
    expect(shownOf([cell('a', null, 6), cell('b', null, 5), cell('c', null, 2)]).unit).toEqual(['a']);
    // Hidden groups that add up to k are a group of k: a is shown, b + c = 7 stays together.
    expect(shownOf([cell('a', null, 6), cell('b', null, 4), cell('c', null, 3)]).unit).toEqual(['a']);
  });

  it('holds back a department that differs from a shown unit by fewer than k people', () => {
    // Unit a (5, all support) and support (6 = a + one person of unit b): support − a is one person.
    const cells = [cell('a', 'support', 5), cell('b', 'support', 1), cell('b', 'sales', 6)];
    const shown = shownOf(cells);
    expect(shown.unit.sort()).toEqual(['a', 'b']);
    expect(shown.department).toEqual([]);
  });

  it('keeps every derivable figure at k or more respondents (exhaustively over small surveys)', () => {
    // Every survey of up to 12 respondents over 2 units × 2 departments: every atom of shown groups ≥ k.
    const layouts: RespondentCell[][] = [];
    for (let a1 = 0; a1 <= 6; a1++)
      for (let a2 = 0; a2 <= 6; a2++)
        for (let b1 = 0; b1 <= 6; b1++)
          for (let b2 = 0; b2 <= 6; b2++)
            layouts.push(
              [cell('a', 'x', a1), cell('a', 'y', a2), cell('b', 'x', b1), cell('b', 'y', b2)].filter(
                (c) => c.respondents > 0,
              ),
            );
    for (const cells of layouts) {
      const plan = planDisclosure(cells, 5);
      if (!plan.overall) continue;
      const atoms = new Map<string, number>();
      for (const c of cells) {
        const key = `${plan.shown.unit.has(c.unit) ? c.unit : '*'}|${plan.shown.department.has(c.department) ? c.department : '*'}`;
        atoms.set(key, (atoms.get(key) ?? 0) + c.respondents);
      }
      for (const size of atoms.values()) expect(size).toBeGreaterThanOrEqual(5);
    }
  });
});
