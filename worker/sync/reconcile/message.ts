/**
 * One step of a reconciliation run: pages of Salesforce's ids for one object, compared with the
 * Conversion records linked to it. A large object takes several messages (the run's state says where
 * it is); the lease it holds keeps the object's own chain from running meanwhile.
 */
export interface ReconcileMessage {
  type: "inbound_reconcile";
  workspaceId: string;
  salesforceObject: string;
  runId: string;
  /** Who holds the object's lease: the run itself (started from the API), or the cycle it is part of. */
  leaseOwner: string;
  /** Part of a cycle: the objects still to visit after this one, in order. */
  remaining?: string[];
  /** While the object's own chain holds the lease: when this run started waiting for it. */
  waitingSince?: string;
  /** Pages of ids per invocation (default PAGES_PER_STEP); smaller shows paging across invocations in tests. */
  pagesPerStep?: number;
}
