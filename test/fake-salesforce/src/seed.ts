// The org's starting data: the same seed and counts always give the same records (ids, names,
// emails and the relative times). Defects appear in roughly the shares seen in real orgs.

import { formatDate } from "./clock";
import type { IdFactory } from "./ids";
import { createRandom, type Random } from "./random";
import type { Rec } from "./schema";
import { PICKLISTS } from "./schema-picklists";
import { seedContactRoles, seedEvents, seedOpportunities } from "./seed-deals";
import { createPeople } from "./seed-people";
import { TITLES } from "./seed-pools";
import { buildRows, type SeedContext } from "./seed-rows";
import type { Store } from "./store";

export type Counts = Record<string, number>;

/** A few thousand records: enough to page, small enough to start in milliseconds. */
export const DEFAULT_COUNTS: Counts = {
  Account: 300,
  Contact: 1000,
  Lead: 1500,
  Opportunity: 400,
  OpportunityContactRole: 500,
  Conversion_Event__c: 800,
};

const maybe = <T>(rnd: Random, p: number, value: T): T | null => (rnd.chance(p) ? value : null);

function seedAccounts(ctx: SeedContext, n: number): Rec[] {
  const { rnd, defects } = ctx;
  return buildRows(ctx, "Account", n, 0.01, (i) => {
    const name = ctx.people.company(i);
    return {
      Name: name,
      Website: maybe(rnd, 0.85, `https://www.${name.toLowerCase().replace(/[^a-z0-9]+/g, "")}${i}.example.com`),
      Industry: maybe(rnd, 0.8, rnd.pick(PICKLISTS.Industry)),
      Do_Not_Sync__c: defects && (i === 3 || rnd.chance(0.04)),
    };
  });
}

function seedContacts(ctx: SeedContext, n: number, accounts: Rec[]): Rec[] {
  const { rnd, defects } = ctx;
  const live = accounts.filter((a) => !a.IsDeleted);
  const excluded = live.filter((a) => a.Do_Not_Sync__c);
  return buildRows(ctx, "Contact", n, 0.01, (i) => {
    const p = ctx.people.person(i);
    let account: Rec | null = live.length ? rnd.pick(live) : null;
    if (defects && i === 5 && excluded.length) account = excluded[0];
    if (defects && rnd.chance(0.05)) account = null;
    return {
      ...p,
      Title: maybe(rnd, 0.8, rnd.pick(TITLES)),
      Phone: maybe(rnd, 0.7, `+1 555 ${String(rnd.int(100, 999))} ${String(rnd.int(1000, 9999))}`),
      AccountId: account?.Id ?? null,
      LeadSource: maybe(rnd, 0.6, rnd.pick(PICKLISTS.LeadSource)),
      Do_Not_Sync__c: defects && rnd.chance(0.02),
    };
  });
}

function seedLeads(ctx: SeedContext, n: number, contacts: Rec[]): void {
  const { rnd, defects } = ctx;
  const live = contacts.filter((c) => !c.IsDeleted && c.Email);
  buildRows(ctx, "Lead", n, 0.01, (i, t) => {
    const p = ctx.people.person(i);
    const converted = defects && live.length > 0 && (i === 2 || rnd.chance(0.08)) ? rnd.pick(live) : null;
    if (defects && !converted && live.length && rnd.chance(0.01)) p.Email = rnd.pick(live).Email as string;
    return {
      ...p,
      Email: converted ? converted.Email : p.Email,
      Company: ctx.people.company(i),
      Title: maybe(rnd, 0.8, rnd.pick(TITLES)),
      Phone: maybe(rnd, 0.7, `(555) ${String(rnd.int(100, 999))}-${String(rnd.int(1000, 9999))}`),
      LeadSource: maybe(rnd, 0.75, rnd.pick(PICKLISTS.LeadSource)),
      Status: converted ? "Closed - Converted" : rnd.pick(PICKLISTS.LeadStatus.slice(0, 2)),
      IsConverted: !!converted,
      ConvertedDate: converted ? formatDate(t.modified[i]) : null,
      ConvertedAccountId: converted ? converted.AccountId : null,
      ConvertedContactId: converted ? converted.Id : null,
      Do_Not_Sync__c: defects && rnd.chance(0.03),
    };
  });
}

export interface SeedOptions {
  store: Store;
  ids: IdFactory;
  seed: number;
  counts: Counts;
  defects: boolean;
  userId: string;
  now: number;
  /** How long before `now` seeded times end (default 60 s). */
  endsSecondsAgo?: number;
  autoNumber(object: string): string;
}

/** Fills an empty store. Seeded times end a minute (or `endsSecondsAgo`) before `now` and reach back about 400 days. */
export function seedOrg(o: SeedOptions): void {
  const rnd = createRandom(o.seed);
  const end = Math.floor((o.now - (o.endsSecondsAgo ?? 60) * 1000) / 1000) * 1000;
  const ctx: SeedContext = {
    store: o.store,
    ids: o.ids,
    rnd,
    people: createPeople(rnd, o.defects),
    defects: o.defects,
    userId: o.userId,
    start: end - 400 * 86_400_000,
    end,
    autoNumber: o.autoNumber,
  };
  const count = (name: string) => Math.max(0, Math.floor(o.counts[name] ?? 0));
  const accounts = seedAccounts(ctx, count("Account"));
  const contacts = seedContacts(ctx, count("Contact"), accounts);
  seedLeads(ctx, count("Lead"), contacts);
  const opportunities = seedOpportunities(ctx, count("Opportunity"), accounts);
  seedContactRoles(ctx, count("OpportunityContactRole"), opportunities, contacts);
  seedEvents(ctx, count("Conversion_Event__c"));
}
