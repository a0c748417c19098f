import { describe, expect, it } from "vitest";
import { base64url, fromBase64url, newId, randomIdPart } from "./crypto";

/** Base64url as btoa makes it (what base64url did before it encoded by table). */
function viaBtoa(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

describe("base64url", () => {
  it("encodes every length and every byte value as btoa does, and decodes back", () => {
    const all = new Uint8Array(256).map((_, i) => i);
    for (let n = 0; n <= 64; n++) {
      for (const bytes of [crypto.getRandomValues(new Uint8Array(n)), all.slice(0, n), all.slice(256 - n)]) {
        expect(base64url(bytes), `${n} bytes`).toBe(viaBtoa(bytes));
        expect([...fromBase64url(base64url(bytes))]).toEqual([...bytes]);
      }
    }
    expect(base64url(all)).toBe(viaBtoa(all));
  });
});

describe("ids", () => {
  it("take fresh random bytes each, also across the pool's refill", () => {
    const seen = new Set<string>();
    // 2,000 ids of 12 bytes: the 4 KiB pool refills several times.
    for (let i = 0; i < 2_000; i++) seen.add(newId("x"));
    expect(seen.size).toBe(2_000);
    for (const id of seen) expect(id).toMatch(/^x_[A-Za-z0-9_-]{16}$/);
    expect(randomIdPart(9)).toMatch(/^[A-Za-z0-9_-]{12}$/);
  });
});
