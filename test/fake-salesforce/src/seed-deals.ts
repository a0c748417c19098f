// Opportunities, their contact roles and Conversion events.
import { formatDate } from "./clock";
import type { Rec } from "./schema";
import { PICKLISTS } from "./schema-picklists";
import { EVENT_NAMES, PLANS } from "./seed-pools";
import { buildRows, type SeedContext } from "./seed-rows";

export function seedOpportunities(ctx: SeedContext, n: number, accounts: Rec[]): Rec[] {
  const { rnd } = ctx;
  const live = accounts.filter((a) => !a.IsDeleted);
  return buildRows(ctx, "Opportunity", n, 0.03, (i, t) => {
    const account = live.length && !rnd.chance(0.05) ? rnd.pick(live) : null;
    return {
      Name: `${account ? account.Name : "New Business"} - ${rnd.pick(["Renewal", "Expansion", "New Logo", "Pilot"])}`.slice(
        0,
        120,
      ),
      StageName: rnd.pick(PICKLISTS.StageName),
      Amount: rnd.chance(0.9) ? rnd.int(10, 5000) * 100 : null,
      CloseDate: formatDate(t.created[i] + rnd.int(7, 180) * 86_400_000),
      AccountId: account?.Id ?? null,
    };
  });
}

export function seedContactRoles(ctx: SeedContext, n: number, opportunities: Rec[], contacts: Rec[]): void {
  const { rnd, defects } = ctx;
  if (!opportunities.length || !contacts.length) n = 0;
  const liveOpps = opportunities.filter((o) => !o.IsDeleted);
  const deletedOpps = opportunities.filter((o) => o.IsDeleted);
  const liveContacts = contacts.filter((c) => !c.IsDeleted);
  const hasPrimary = new Set<string>();
  buildRows(ctx, "OpportunityContactRole", n, 0.01, (i) => {
    let opp = (liveOpps.length ? rnd.pick(liveOpps) : rnd.pick(opportunities)).Id;
    let contact = (liveContacts.length ? rnd.pick(liveContacts) : rnd.pick(contacts)).Id;
    if (defects) {
      const roll = rnd.next();
      // Roles whose opportunity was deleted, or purged from the recycle bin (an id that resolves to nothing).
      if (roll < 0.03 || i === 4) opp = deletedOpps.length ? rnd.pick(deletedOpps).Id : ctx.ids.next("006");
      else if (roll < 0.05) opp = ctx.ids.next("006");
      else if (roll < 0.07) contact = ctx.ids.next("003");
    }
    const primary = !hasPrimary.has(opp) && rnd.chance(0.7);
    if (primary) hasPrimary.add(opp);
    return {
      OpportunityId: opp,
      ContactId: contact,
      Role: rnd.chance(0.85) ? rnd.pick(PICKLISTS.Role) : null,
      IsPrimary: primary,
    };
  });
}

export function seedEvents(ctx: SeedContext, n: number): void {
  const { rnd, defects } = ctx;
  const people = ["Contact", "Lead"].map((name) => ctx.store.table(name)!.rows).filter((rows) => rows.length > 0);
  // Events mostly belong to people the org already has: sample their emails rather than list them all.
  const knownEmail = (): string | null => {
    for (let attempt = 0; attempt < 8 && people.length; attempt++) {
      const rows = rnd.pick(people);
      const r = rows[rnd.int(0, rows.length - 1)];
      if (!r.IsDeleted && typeof r.Email === "string" && r.Email.includes("@")) return r.Email;
    }
    return null;
  };
  buildRows(ctx, "Conversion_Event__c", n, 0.005, (i, t) => {
    let email: string | null = (!rnd.chance(0.05) && knownEmail()) || ctx.people.uniqueEmail("visitor", String(i));
    let userId: string | null = `usr_${(rnd.int(1, 2 ** 30) * 7919).toString(36)}`;
    let name: string | null = rnd.pick(EVENT_NAMES);
    let props = JSON.stringify({
      plan: rnd.pick(PLANS),
      source: rnd.pick(["web", "app", "api"]),
      value: rnd.int(0, 500),
    });
    if (defects) {
      const roll = rnd.next();
      if (roll < 0.03 || i === 1) name = null;
      else if (roll < 0.06 || i === 2) email = userId = null;
      else if (roll < 0.16) email = null;
      else if (roll < 0.17) props = '{"plan": "pro", "value": ';
    }
    return {
      Name: ctx.autoNumber("Conversion_Event__c"),
      Event_Name__c: name,
      Email__c: email,
      User_Id__c: userId,
      Occurred_At__c: t.created[i] - rnd.int(0, 3600) * 1000,
      Properties__c: props,
    };
  });
}
