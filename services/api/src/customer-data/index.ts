import type { FastifyRequest } from 'fastify';
import { principalOf } from '../auth/plugin.js';
import { type CustomerDataPolicy, customerDataPolicy, type Pseudonymiser } from './policy.js';

export { type CustomerDataPolicy, customerDataPolicy, type Pseudonymiser, REDACTED_VALUE } from './policy.js';

/** The policy for the authenticated caller of `request`: its role, in its organisation. */
export function customerDataPolicyOf(request: FastifyRequest, pseudonyms: Pseudonymiser): CustomerDataPolicy {
  const { role, orgId } = principalOf(request);
  return customerDataPolicy(role, orgId, pseudonyms);
}
