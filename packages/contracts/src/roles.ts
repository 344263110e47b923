import { z } from 'zod';

/** admin configures, manager reads scores and insights, responder works cases. */
export const roles = ['admin', 'manager', 'responder'] as const;
export const Role = z.enum(roles);
export type Role = z.infer<typeof Role>;
