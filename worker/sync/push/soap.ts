/**
 * Salesforce Outbound Messages: a SOAP `notifications` call carrying up to 100 `Notification`s, each an
 * sObject of the message's object (`xsi:type="sf:Lead"`). Only what a push needs is read: the org and
 * the object. The answer Salesforce waits for is `notificationsResponse` with `Ack` true; without it
 * Salesforce sends the message again (for up to 24 hours).
 */
export interface OutboundMessage {
  organizationId: string | null;
  /** The sObject types the notifications carry (one per message in practice). */
  objects: string[];
  /** The records' ids, as far as the message names them. */
  ids: string[];
}

const TYPE = /<(?:[A-Za-z0-9_]+:)?sObject\b[^>]*\bxsi:type\s*=\s*"(?:[A-Za-z0-9_]+:)?([A-Za-z][A-Za-z0-9_]*)"/g;
const ORG = /<(?:[A-Za-z0-9_]+:)?OrganizationId>\s*([A-Za-z0-9]{15,18})\s*</;
// Inside an sObject its fields are prefixed (<sf:Id>); the notification's own <Id> is not.
const ID = /<[A-Za-z0-9_]+:Id>\s*([A-Za-z0-9]{15,18})\s*</g;

/** Reads an Outbound Message; null when the text is not one (no notifications element). */
export function readOutboundMessage(xml: string): OutboundMessage | null {
  if (!/<(?:[A-Za-z0-9_]+:)?notifications\b/.test(xml)) return null;
  const objects = [...new Set([...xml.matchAll(TYPE)].map((m) => m[1]!))];
  const ids = [...xml.matchAll(ID)].map((m) => m[1]!);
  return { organizationId: ORG.exec(xml)?.[1] ?? null, objects, ids };
}

/** The acknowledgement Salesforce's outbound messaging WSDL defines (notificationsResponse, Ack). */
export const OUTBOUND_MESSAGE_ACK =
  '<?xml version="1.0" encoding="UTF-8"?>\n' +
  '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">' +
  '<soapenv:Body><notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound">' +
  "<Ack>true</Ack></notificationsResponse></soapenv:Body></soapenv:Envelope>";
