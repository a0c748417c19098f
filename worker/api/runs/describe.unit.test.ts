import { describe, expect, it } from "vitest";
import { describeRun } from "./view";

describe("describeRun", () => {
  it.each([
    ["inbound", "contact", "Lead", "incremental", "Synced contacts from Salesforce"],
    ["inbound", "contact", "Contact", "incremental", "Synced contacts from Salesforce"],
    ["inbound", "company", "Account", "incremental", "Synced companies from Salesforce"],
    ["inbound", "opportunity", "Opportunity", "incremental", "Synced opportunities from Salesforce"],
    [
      "inbound",
      "opportunity_contact_role",
      "OpportunityContactRole",
      "incremental",
      "Synced opportunity contact roles from Salesforce",
    ],
    ["inbound", "event", "Conversion_Event__c", "incremental", "Synced events from Salesforce"],
    ["inbound", "contact", "Lead", "backfill", "Synced contacts from Salesforce (initial backfill)"],
    ["inbound", "company", "Account", "retry", "Retried failed records: synced companies from Salesforce"],
    ["outbound", "contact", "Contact", "push", "Pushed contact updates to Salesforce"],
    ["outbound", "contact", "Lead", "push", "Pushed contact updates to Salesforce"],
    ["outbound", "company", "Account", "push", "Pushed company updates to Salesforce"],
    ["outbound", "contact", "Contact", "retry", "Retried failed records: pushed contact updates to Salesforce"],
    ["inbound", "campaign", "Campaign", "incremental", "Synced Campaign records from Salesforce"],
    ["inbound", "contact", "Lead", "reconcile", "Checked contacts against Salesforce"],
    ["inbound", "company", "Account", "reconcile", "Checked companies against Salesforce"],
    ["inbound", "opportunity", "Opportunity", "reconcile", "Checked opportunities against Salesforce"],
    ["inbound", "event", "Conversion_Event__c", "reconcile", "Checked events against Salesforce"],
  ] as const)("%s %s (%s, %s) → %s", (direction, objectType, salesforceObject, kind, text) => {
    expect(describeRun({ direction, objectType, salesforceObject, kind })).toBe(text);
  });
});
