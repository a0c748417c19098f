import { describe, expect, it } from "vitest";
import { deliver, leadsByEmail, lostAnswerTests, orgWith, readyOutbox } from "./exactly-once.fixtures";
import { apiJson, apiWithoutSend, cronTick, pushed, setFaults } from "./outbound.fixtures";

// Where the org lacks Conversion's external-id field, each create is journaled before its call; a
// create whose answer was lost is looked up in Salesforce (same values, made by the integration user
// since the attempt) and the record adopted before anything is sent again.

describe("exactly-once creates without Conversion_Id__c", () => {
  lostAnswerTests(false);

  it("an adopted record whose values changed since the attempt gets the entity's current state", async () => {
    const ws = await orgWith(false);
    const email = "changed-meanwhile@example.com";
    const contact = await apiWithoutSend(ws, "POST", "/contacts", { email, lastName: "Drift", title: "First" });
    const [created] = await readyOutbox(contact.id);
    // The create goes out with the first title and its answer is lost: the delivery asks to be retried.
    await setFaults({ loseAnswers: { times: 1, as: 500 } });
    expect(await deliver(ws, [created!], 1)).toBe(1);
    // Meanwhile the title changes; the redelivery finds the record, adopts it, and the newer title follows.
    await apiWithoutSend(ws, "PATCH", `/contacts/${contact.id}`, { title: "Second" });
    expect(await deliver(ws, [created!], 2)).toBe(0);
    expect(await leadsByEmail(email)).toMatchObject([{ Title: "First" }]);
    await cronTick();
    const runs = await pushed(ws, 2);
    expect(runs.map((r) => r.counts)).toMatchObject([
      { created: 1, updated: 0 },
      { created: 0, updated: 1 },
    ]);
    const leads = await leadsByEmail(email);
    expect(leads).toHaveLength(1);
    expect(leads[0]!.Title).toBe("Second");
    expect((await apiJson(ws, "GET", `/contacts/${contact.id}`)).salesforceId).toBe(leads[0]!.Id);
  });
});
