import type { InboundKind } from "../../objects";
import { classifyAccount } from "./companies";
import type { Classifier } from "./context";
import { classifyEvent } from "./events";
import { classifyOpportunity } from "./opportunities";
import { classifyPerson } from "./people";
import { classifyRole } from "./roles";

export * from "./context";
export { loadPendingEdits } from "./pending";

export const CLASSIFIERS: Record<InboundKind, Classifier> = {
  lead: classifyPerson,
  contact: classifyPerson,
  account: classifyAccount,
  opportunity: classifyOpportunity,
  role: classifyRole,
  event: classifyEvent,
};
