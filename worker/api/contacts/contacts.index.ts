import { createRouter } from "../../app";
import { batchContactsHandler } from "./contacts.batch";
import * as handlers from "./contacts.handlers";
import * as routes from "./contacts.routes";

/** Conversion's contacts: reads, and the writes outbound sync pushes. Mount behind requireWorkspace(). */
export function createContactsRouter() {
  return createRouter()
    .openapi(routes.listContacts, handlers.listContactsHandler)
    .openapi(routes.createContact, handlers.createContactHandler)
    .openapi(routes.batchContacts, batchContactsHandler)
    .openapi(routes.getContact, handlers.getContactHandler)
    .openapi(routes.patchContact, handlers.patchContactHandler)
    .openapi(routes.deleteContact, handlers.deleteContactHandler);
}
