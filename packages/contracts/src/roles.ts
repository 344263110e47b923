import { z } from 'zod';

/**
 * admin configures, manager reads scores and insights, responder works cases, assessor rates objectives,
 * overrides indicators, sets targets and signs off assessments.
 */
export const roles = ['admin', 'manager', 'responder', 'assessor'] as const;
export const Role = z.enum(roles);
export type Role = z.infer<typeof Role>;
