import { createRoute, z } from "@hono/zod-openapi";
import { salesforceName } from "../../settings";
import { errorResponses, errorSchema, json, workspaceSecurity } from "../common";

export const pushBodySchema = z
  .object({
    object: salesforceName.openapi({
      description:
        "The Salesforce object whose records changed: Account, Lead, Contact, Opportunity, OpportunityContactRole or the event object",
      example: "Lead",
    }),
    ids: z
      .array(z.string().regex(/^[a-zA-Z0-9]{15,18}$/, "must be a Salesforce id"))
      .max(200)
      .optional()
      .openapi({
        description: "The changed records' ids (informative: the cycle reads every change since the watermark)",
      }),
  })
  .strict()
  .openapi("SalesforcePush");

const pushAnswerSchema = z
  .object({
    object: z.string(),
    queued: z.boolean().openapi({
      description: "true: this push queued the object's cycle; false: it joined one already waiting (debounced)",
    }),
  })
  .openapi("SalesforcePushAnswer");

export const pushRoute = createRoute({
  method: "post",
  path: "/salesforce/push/{id}",
  tags: ["Salesforce push"],
  summary: "Salesforce announces a change: an incremental cycle of that object starts (debounced)",
  description:
    "Called by Salesforce, not by people: a record-triggered Flow's HTTP callout (JSON `{object, ids?}`) or an Outbound " +
    "Message (SOAP, `text/xml`; answered with Salesforce's `notificationsResponse` acknowledgement). Authenticated by the " +
    "workspace's push secret (Settings): `Authorization: Bearer <secret>`, or `?secret=` for Outbound Messages, which " +
    "cannot set headers. Pushes of one object within a second share one cycle; polling goes on as before. A body is required.",
  request: {
    params: z.object({
      id: z
        .string()
        .min(1)
        .max(100)
        .openapi({ param: { name: "id", in: "path" }, description: "The workspace id" }),
    }),
    query: z.object({
      secret: z
        .string()
        .max(200)
        .optional()
        .openapi({
          param: { name: "secret", in: "query" },
          description: "The push secret, for callers that cannot send headers",
        }),
    }),
    body: {
      content: {
        "application/json": { schema: pushBodySchema },
        "text/xml": { schema: z.string().openapi({ description: "A SOAP Outbound Message (notifications)" }) },
      },
      description: "What changed: JSON from a Flow, or an Outbound Message",
      required: false,
    },
  },
  responses: {
    200: {
      description: "An Outbound Message was taken: Salesforce's acknowledgement (`<Ack>true</Ack>`)",
      content: { "text/xml": { schema: z.string() } },
    },
    202: json(
      pushAnswerSchema,
      "The push was taken: the object's cycle is queued (or an earlier push's cycle covers it)",
    ),
    400: json(
      errorSchema,
      "Bad input: an unknown object or one not enabled in the settings (named by its field), no body, or XML that is not an Outbound Message",
    ),
    401: json(errorSchema, "`unauthorized`: no push secret, a wrong one, or a workspace without one"),
    403: json(errorSchema, "`org_mismatch`: the Outbound Message came from another org than the one connected"),
    409: json(
      errorSchema,
      "`not_connected` / `needs_reconnect`: Salesforce is not connected (Salesforce retries Outbound Messages)",
    ),
  },
});

export const pushSettingsSchema = z
  .object({
    url: z.string().openapi({ description: "Where Salesforce sends pushes" }),
    secret: z.string().nullable().openapi({ description: "The push secret; null until one is made" }),
    createdAt: z.string().nullable(),
    lastUsedAt: z.string().nullable().openapi({ description: "When Salesforce last pushed with this secret" }),
  })
  .openapi("PushSettings");

export const getPushSettingsRoute = createRoute({
  method: "get",
  path: "/settings/push",
  tags: ["Settings"],
  summary: "The push endpoint and its secret, for setting up a Flow or an Outbound Message in Salesforce",
  security: workspaceSecurity,
  responses: { 200: json(pushSettingsSchema, "The endpoint and the current secret"), 401: errorResponses[401] },
});

export const rotatePushSecretRoute = createRoute({
  method: "post",
  path: "/settings/push/secret",
  tags: ["Settings"],
  summary: "Make a new push secret; the old one stops working at once",
  security: workspaceSecurity,
  responses: { 201: json(pushSettingsSchema, "The endpoint and the new secret"), 401: errorResponses[401] },
});
