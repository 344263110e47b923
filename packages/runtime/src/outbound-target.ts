import { lookup as dnsLookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { withTimeout } from './timeout.js';

/**
 * Where cxloop may POST replies and escalations. A URL configured by an organisation's admin must not turn
 * the workers into a probe of the deployment's own network (loopback, private ranges, cloud metadata at
 * 169.254.169.254): only https to public addresses, unless the operator allowlists a host or range.
 */
export interface OutboundAllowlist {
  /** Host names (lower case) trusted whatever they resolve to, over http too. */
  hosts: ReadonlySet<string>;
  /** Address ranges trusted over http too, e.g. a receiver on the private network. */
  ranges: readonly [ipaddr.IPv4 | ipaddr.IPv6, number][];
}

export const emptyOutboundAllowlist: OutboundAllowlist = { hosts: new Set(), ranges: [] };

/**
 * `OUTBOUND_ALLOWED_HOSTS`: comma-separated host names, addresses and CIDR ranges the operator trusts as
 * outbound targets beyond public https, e.g. `hooks.internal,10.20.0.0/16,127.0.0.1`. Empty by default.
 */
export const outboundAllowlistShape = z
  .string()
  .default('')
  .transform((value, context): OutboundAllowlist => {
    const hosts = new Set<string>();
    const ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];
    for (const entry of value.split(',').map((part) => part.trim().toLowerCase())) {
      if (!entry) continue;
      if (entry.includes('/')) {
        try {
          ranges.push(ipaddr.parseCIDR(entry));
        } catch {
          context.addIssue({ code: 'custom', message: `${entry} is not a CIDR range` });
        }
      } else if (ipaddr.isValid(entry)) {
        const address = ipaddr.process(entry);
        ranges.push([address, address.kind() === 'ipv4' ? 32 : 128]);
      } else {
        hosts.add(entry);
      }
    }
    return { hosts, ranges };
  });

/** Why a target was refused; shown to users as a category, the detail only goes to logs. */
export class OutboundTargetRefused extends Error {
  override name = 'OutboundTargetRefused';
}

/** A target that passed the checks, with the one address a delivery must connect to. */
export interface VettedTarget {
  url: URL;
  address: string;
  family: 4 | 6;
}

export type ResolveAll = (hostname: string) => Promise<{ address: string; family: number }[]>;

const resolveAllSystem: ResolveAll = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

function inRanges(address: ipaddr.IPv4 | ipaddr.IPv6, allowlist: OutboundAllowlist): boolean {
  return allowlist.ranges.some(
    ([range, bits]) => range.kind() === address.kind() && address.match(range, bits),
  );
}

/** Public unicast only: ipaddr.js names every special range (private, loopback, link-local, 6to4 …). */
function isPublic(address: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  return address.range() === 'unicast';
}

/** A URL's host without IPv6 brackets. */
function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
}

/**
 * Checks a URL without resolving it: scheme, embedded credentials, and an address written literally.
 * Returns the parsed URL; throws `OutboundTargetRefused` with the reason.
 */
export function checkTargetUrl(raw: string, allowlist: OutboundAllowlist): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundTargetRefused('not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new OutboundTargetRefused('only https URLs are accepted');
  }
  if (url.username || url.password)
    throw new OutboundTargetRefused('credentials in the URL are not accepted');
  const host = hostOf(url);
  if (allowlist.hosts.has(host)) return url;
  if (ipaddr.isValid(host)) {
    const address = ipaddr.process(host);
    if (inRanges(address, allowlist)) return url;
    if (!isPublic(address)) throw new OutboundTargetRefused('the address is not a public one');
  } else if (host === 'localhost' || host.endsWith('.localhost')) {
    throw new OutboundTargetRefused('the address is not a public one');
  }
  // A name over http may still resolve into an allowlisted range; vetTarget decides once it is resolved.
  const rangeMayAllow = !ipaddr.isValid(host) && allowlist.ranges.length > 0;
  if (url.protocol !== 'https:' && !rangeMayAllow) {
    throw new OutboundTargetRefused('only https URLs are accepted');
  }
  return url;
}

/**
 * Resolves a target and checks every address it resolves to; a delivery then connects to the returned
 * address only, so a name that answers differently a moment later (DNS rebinding) cannot redirect it.
 * Allowlisted names are trusted whatever they resolve to; http is accepted for allowlisted hosts and for
 * names whose every address lies in an allowlisted range.
 *
 * @example const target = await vetTarget('https://hooks.example.com/cx', allowlist);
 */
export async function vetTarget(
  raw: string,
  allowlist: OutboundAllowlist,
  resolveAll: ResolveAll = resolveAllSystem,
): Promise<VettedTarget> {
  const url = checkTargetUrl(raw, allowlist);
  const host = hostOf(url);
  const resolved = ipaddr.isValid(host)
    ? [{ address: host, family: ipaddr.parse(host).kind() === 'ipv4' ? 4 : 6 }]
    : await resolveAll(host);
  if (resolved.length === 0) throw new Error(`${host} has no addresses`);
  const trustedHost = allowlist.hosts.has(host);
  for (const { address } of resolved) {
    const parsed = ipaddr.process(address);
    if (trustedHost || inRanges(parsed, allowlist)) continue;
    if (!isPublic(parsed)) throw new OutboundTargetRefused('the address is not a public one');
    if (url.protocol !== 'https:') throw new OutboundTargetRefused('only https URLs are accepted');
  }
  const first = resolved[0]!;
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}

/**
 * The check made when an admin saves a target URL: the reason it is refused, or undefined when accepted. A
 * name that does not resolve yet is accepted (the receiver may not be set up yet); every delivery vets it
 * again after resolving it.
 */
export async function refusalOfTargetUrl(
  raw: string,
  allowlist: OutboundAllowlist,
  resolveAll: ResolveAll = resolveAllSystem,
): Promise<string | undefined> {
  try {
    await withTimeout(vetTarget(raw, allowlist, resolveAll), 3_000, 'resolving the target');
    return undefined;
  } catch (error) {
    return error instanceof OutboundTargetRefused ? error.message : undefined;
  }
}
