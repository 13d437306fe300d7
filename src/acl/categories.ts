import type { CommandSpec } from '../dispatch/commandSpec.js';

/**
 * Redis's ACL categories (acl.c ACLCommandCategories), in the order ACL CAT and COMMAND INFO
 * list them; Holdfast adds @sale for the flash-sale commands.
 */
export const ACL_CATEGORIES = [
  'keyspace', 'read', 'write', 'set', 'sortedset', 'list', 'hash', 'string', 'bitmap', 'hyperloglog', 'geo', 'stream',
  'pubsub', 'admin', 'fast', 'slow', 'blocking', 'dangerous', 'connection', 'transaction', 'scripting', 'sale',
] as const;

export type AclCategory = (typeof ACL_CATEGORIES)[number];

const CATEGORY_INDEX = new Map<string, number>(ACL_CATEGORIES.map((c, i) => [c, i]));

/** The category a group implies (Redis lists it explicitly in each command's JSON). */
const GROUP_CATEGORY: Partial<Record<CommandSpec['group'], AclCategory>> = {
  generic: 'keyspace', string: 'string', list: 'list', set: 'set', sorted_set: 'sortedset', hash: 'hash',
  transactions: 'transaction', connection: 'connection', scripting: 'scripting', hyperloglog: 'hyperloglog',
  geo: 'geo', stream: 'stream', bitmap: 'bitmap', sale: 'sale',
};

/**
 * A command's ACL categories, derived from its declaration: Redis's setImplicitACLCategories
 * (write, read, admin+dangerous, pubsub, fast, blocking, slow when not fast) plus the
 * group's category and the declaration's `acl` extras ('-x' drops a derived one). COMMAND
 * INFO, COMMAND LIST FILTERBY ACLCAT, ACL CAT and ACL rules (+@read) all read this.
 */
export function aclCategories(spec: CommandSpec): string[] {
  const cats = new Set<string>();
  const f = spec.flags;
  // A container (CLIENT, CONFIG...) carries no data category of its own
  const group = spec.subcommands === undefined ? GROUP_CATEGORY[spec.group] : undefined;
  if (group !== undefined) cats.add(group);
  if (f.includes('write')) cats.add('write');
  if (f.includes('readonly') && spec.group !== 'scripting') cats.add('read');
  if (f.includes('admin')) {
    cats.add('admin');
    cats.add('dangerous');
  }
  if (f.includes('pubsub')) cats.add('pubsub');
  if (f.includes('fast')) cats.add('fast');
  if (f.includes('blocking')) cats.add('blocking');
  if (!cats.has('fast')) cats.add('slow');
  for (const a of spec.acl ?? []) {
    if (a.startsWith('-')) cats.delete(a.slice(1));
    else cats.add(a);
  }
  return [...cats].sort((a, b) => (CATEGORY_INDEX.get(a) ?? 99) - (CATEGORY_INDEX.get(b) ?? 99));
}

/** The category's index in ACL_CATEGORIES, or -1 when it is not one (case-insensitive, as Redis). */
export function categoryIndex(name: string): number {
  return CATEGORY_INDEX.get(name.toLowerCase()) ?? -1;
}
