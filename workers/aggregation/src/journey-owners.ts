import type { Journey } from '@cxloop/db';

/**
 * The team that owns each topic: its own owner when one is set, else the owner of the touchpoint the topic
 * belongs to. Topics with neither are left out: nobody is expected to answer them as an owner.
 */
export function topicOwners(journey: Journey): Map<string, string> {
  const touchpointOwner = new Map(
    journey.touchpoints.map((touchpoint) => [touchpoint.key, touchpoint.ownerTeamId]),
  );
  const owners = new Map<string, string>();
  for (const topic of journey.topics) {
    const owner =
      topic.ownerTeamId ?? (topic.touchpointKey ? touchpointOwner.get(topic.touchpointKey) : null);
    if (owner) owners.set(topic.topic, owner);
  }
  return owners;
}
