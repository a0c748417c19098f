import { PATHS } from "../../app/routes";
import { salesforceObjectLabel } from "../../format/labels";

export interface SettingTarget {
  href: string;
  text: string;
}

/** What a message is about: its code, and where known the record's Salesforce object and id. */
export interface ReasonContext {
  code: string;
  salesforceObject?: string | null;
  salesforceId?: string | null;
}

const at = (id: string) => `${PATHS.settings}#${id}`;

/**
 * The setting a message names, as a link target and words: the reason codes whose cause is a
 * setting the admin can change (README "Configuration"), and the two whole-run failures with a place to act.
 * Codes without one (a record's own data, Salesforce's refusals) have no link.
 */
export function settingFor({ code, salesforceObject: object, salesforceId }: ReasonContext): SettingTarget | null {
  switch (code) {
    case "do_not_sync":
      return { href: at("sync-rules"), text: "Review the sync rules" };
    case "write_mode_mismatch":
      return object
        ? {
            href: at(`setting-objects-${object}-writeMode`),
            text: `Change the write mode for ${salesforceObjectLabel(object)}`,
          }
        : { href: at("objects"), text: "Review the write modes" };
    case "object_write_disabled":
      if (object === "Account")
        return { href: at("setting-outbound-writeAccounts"), text: "Review “Write changes to Salesforce accounts”" };
      // A linked Lead or Contact was kept back by the first switch; a new contact may also be by "Create Leads".
      if (object && salesforceId)
        return {
          href: at("setting-outbound-writeLeadsAndContacts"),
          text: "Review “Write changes to Salesforce leads and contacts”",
        };
      return { href: at("outbound"), text: "Review the outbound switches" };
    case "no_fields_to_update": {
      const kind = object === "Account" ? "company" : object ? "contact" : null;
      return kind
        ? {
            href: at(`field-mapping-${kind}`),
            text: `Review the field mapping for ${kind === "company" ? "companies" : "contacts"}`,
          }
        : { href: at("field-mapping"), text: "Review the field mapping" };
    }
    // Health warnings: syncing paused by the budget, a mapped field the integration user cannot read.
    case "sync_paused":
      return { href: at("setting-apiDailyBudget"), text: "Review the daily API budget" };
    case "field_not_readable":
      return { href: at("field-mapping"), text: "Review the field mapping" };
    case "api_limit_exceeded":
      return { href: `${PATHS.overview}#limits-title`, text: "Review usage under Rate limits" };
    case "authentication_failure":
      return { href: `${PATHS.overview}#connection-title`, text: "Reconnect Salesforce" };
    default:
      return null;
  }
}
