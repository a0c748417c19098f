const SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

/**
 * A Salesforce ID in its 18-character, case-safe form. A 15-character ID gets Salesforce's checksum
 * suffix: per block of five characters, one bit per uppercase letter, read as an index into
 * A–Z0–5. An 18-character ID has the case of its first 15 restored from its own suffix, so an
 * ID that went through something case-folding still finds its records.
 */
export function toSalesforceId18(id: string): string {
  if (id.length === 15) return id + suffixOf(id);
  if (id.length !== 18) return id;
  const suffix = id.slice(15).toUpperCase();
  let body = "";
  for (let block = 0; block < 3; block++) {
    const bits = SUFFIX_ALPHABET.indexOf(suffix.charAt(block));
    if (bits < 0) return id;
    for (let i = 0; i < 5; i++) {
      const ch = id.charAt(block * 5 + i);
      body += bits & (1 << i) ? ch.toUpperCase() : ch.toLowerCase();
    }
  }
  return body + suffix;
}

function suffixOf(id15: string): string {
  let suffix = "";
  for (let block = 0; block < 3; block++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const ch = id15.charAt(block * 5 + i);
      if (ch >= "A" && ch <= "Z") bits |= 1 << i;
    }
    suffix += SUFFIX_ALPHABET.charAt(bits);
  }
  return suffix;
}
