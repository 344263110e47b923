import { useEffect, useState } from 'preact/hooks';
import { api } from './api';
import { ENTERPRISE } from './scores-api';

interface Named {
  id: string;
  name: string;
}

/** What views show instead of ids and codes (GET /v1/orgs/:org/names). */
export interface OrganisationNames {
  units: (Named & { key: string })[];
  teams: Named[];
  topics: Named[];
  flags: Named[];
  channels: Named[];
}

const EMPTY: OrganisationNames = { units: [], teams: [], topics: [], flags: [], channels: [] };

/** One load per organisation and page: names change rarely, and every view asks for them. */
const loaded = new Map<string, Promise<OrganisationNames>>();

function loadNames(orgId: string): Promise<OrganisationNames> {
  let names = loaded.get(orgId);
  if (!names) {
    names = api.get<OrganisationNames>(`/v1/orgs/${orgId}/names`);
    // A failed load is tried again by the next view rather than remembered.
    names.catch(() => loaded.delete(orgId));
    loaded.set(orgId, names);
  }
  return names;
}

/**
 * The organisation's names; empty lists until they arrive (and if they cannot be read), so a view still
 * renders, falling back to readable codes.
 */
export function useOrganisationNames(orgId: string): OrganisationNames {
  const [names, setNames] = useState<OrganisationNames>(EMPTY);
  useEffect(() => {
    let current = true;
    loadNames(orgId).then(
      (answer) => current && setNames(answer),
      () => {},
    );
    return () => {
      current = false;
    };
  }, [orgId]);
  return names;
}

/** A code as a person reads it when no name is known: `delivery_delay` → "delivery delay". */
export function readableCode(code: string): string {
  return code.replaceAll('_', ' ');
}

export function nameIn(list: readonly Named[], id: string): string {
  return list.find((entry) => entry.id === id)?.name ?? readableCode(id);
}

/** A score scope by name: "Enterprise" or the unit's name (an unknown unit keeps a short mention, not a UUID). */
export function scopeName(names: OrganisationNames, scope: string): string {
  if (scope === ENTERPRISE) return 'Enterprise';
  return names.units.find((unit) => unit.id === scope)?.name ?? 'a unit';
}
