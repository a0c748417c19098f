// Names and emails for generated people and companies.
import type { Random } from "./random";
import {
  COMPANY_SUFFIXES,
  COMPANY_WORDS,
  DOMAINS,
  FIRST_NAMES,
  INVALID_EMAILS,
  LAST_NAMES,
  MARKUP_NAME,
  UNICODE_COMPANIES,
  UNICODE_FIRST_NAMES,
  UNICODE_LAST_NAMES,
} from "./seed-pools";

export interface Person {
  FirstName: string | null;
  LastName: string;
  Email: string | null;
}

const ascii = (s: string) =>
  s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");

export interface PeopleFactory {
  person(index: number): Person;
  company(index: number): string;
  /** A fresh valid email that no other generated record has. */
  uniqueEmail(first: string | null, last: string): string;
}

export function createPeople(rnd: Random, defects: boolean): PeopleFactory {
  let serial = 0;
  const uniqueEmail = (first: string | null, last: string) => {
    serial++;
    const local = [ascii(first ?? ""), ascii(last)].filter(Boolean).join(".") || "contact";
    return `${local}${serial}@${rnd.pick(DOMAINS)}`;
  };
  return {
    uniqueEmail,
    person(index) {
      const unicode = defects && rnd.chance(0.08);
      let first: string | null = rnd.pick(unicode ? UNICODE_FIRST_NAMES : FIRST_NAMES);
      const last = rnd.pick(unicode && rnd.chance(0.7) ? UNICODE_LAST_NAMES : LAST_NAMES);
      if (rnd.chance(0.02)) first = null;
      if (defects && index === 7) first = MARKUP_NAME;
      let email: string | null = uniqueEmail(first, last);
      if (defects) {
        const roll = rnd.next();
        if (roll < 0.05) email = null;
        else if (roll < 0.07) email = rnd.pick(INVALID_EMAILS);
        else if (roll < 0.1) email = email.replace(/^./, (c) => c.toUpperCase()).replace("@e", "@E");
      }
      return { FirstName: first, LastName: last, Email: email };
    },
    company(index) {
      if (defects && index === 7) return `${MARKUP_NAME} Inc`;
      if (defects && rnd.chance(0.05)) return rnd.pick(UNICODE_COMPANIES);
      return `${rnd.pick(COMPANY_WORDS)} ${rnd.pick(COMPANY_SUFFIXES)}`;
    },
  };
}
