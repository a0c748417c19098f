// The org lives in module state: one isolate serves every request locally, so data, tokens and
// faults persist between calls until POST /__fake/reset.

import { createJobStore, type JobStore } from "./bulk/jobs";
import { type CallLog, createCallLog } from "./calls";
import { type Clock, createClock } from "./clock";
import { createFaults, type Faults } from "./faults";
import { createIdFactory, fixedId, type IdFactory } from "./ids";
import { createInFlight, type InFlight } from "./latency";
import { createLocators, type Locators } from "./locators";
import { createRandom, type Random } from "./random";
import { createRecycleBin, loadRecycleBin, type RecycleBin } from "./recycle-bin";
import { type Counts, DEFAULT_COUNTS, seedOrg } from "./seed";
import { createStore, type Store } from "./store";
import { createTokenStore, type TokenStore } from "./tokens";
import { createUsage, type Usage } from "./usage";

export interface FakeEnv {
  CLIENT_ID?: string;
  CLIENT_SECRET?: string;
  ACCESS_TOKEN_TTL_SECONDS?: string;
  SEED?: string;
  COUNTS?: string;
  DEFECTS?: string;
  DAILY_LIMIT?: string;
  CONVERSION_ID_FIELD?: string;
}

export interface OrgConfig {
  seed: number;
  counts: Counts;
  defects: boolean;
  dailyLimit: number;
  clientId: string;
  clientSecret: string;
  accessTokenTtlMs: number;
  /** Whether the org has Conversion's package field Conversion_Id__c (External ID, Unique) on Lead, Contact and Account. */
  conversionIdField: boolean;
  /** Seeded times end this long before the reset (a reader's look-back then finds none of them). */
  seedEndsSecondsAgo: number;
}

export interface Org {
  config: OrgConfig;
  orgId: string;
  userId: string;
  username: string;
  store: Store;
  ids: IdFactory;
  clock: Clock;
  usage: Usage;
  faults: Faults;
  calls: CallLog;
  locators: Locators;
  /** Bulk API 2.0 query jobs. */
  jobs: JobStore;
  /** Data API requests in flight (the concurrent long-running request limit). */
  inFlight: InFlight;
  tokens: TokenStore;
  recycleBin: RecycleBin;
  /** Drives the records changed between pages by the mutateDuringPaging fault. */
  mutations: Random;
  autoNumber(object: string): string;
}

export function configFromEnv(env: FakeEnv): OrgConfig {
  let counts = DEFAULT_COUNTS;
  if (env.COUNTS) counts = { ...DEFAULT_COUNTS, ...JSON.parse(env.COUNTS) };
  return {
    seed: env.SEED ? Number(env.SEED) : 42,
    counts,
    defects: env.DEFECTS ? env.DEFECTS !== "false" : true,
    dailyLimit: env.DAILY_LIMIT ? Number(env.DAILY_LIMIT) : 100_000,
    clientId: env.CLIENT_ID || "conversion-sync",
    clientSecret: env.CLIENT_SECRET || "fake-org-secret",
    accessTokenTtlMs: (env.ACCESS_TOKEN_TTL_SECONDS ? Number(env.ACCESS_TOKEN_TTL_SECONDS) : 7200) * 1000,
    conversionIdField: env.CONVERSION_ID_FIELD ? env.CONVERSION_ID_FIELD !== "false" : true,
    seedEndsSecondsAgo: 60,
  };
}

const PACKAGE_FIELD = "Conversion_Id__c";

export function createOrg(config: OrgConfig): Org {
  const rnd = createRandom(config.seed ^ 0x5f3759df);
  const ids = createIdFactory(62 ** 5 * 3 + (config.seed % 62 ** 4), () => 1 + Math.floor(rnd.next() * 3));
  const orgId = fixedId("00D", 100_000 + (config.seed % 1_000_000));
  const userId = fixedId("005", 200_000 + (config.seed % 1_000_000));
  const clock = createClock();
  const numbers = new Map<string, number>();
  const org: Org = {
    config,
    orgId,
    userId,
    username: "integration@conversion-fake.example.com",
    store: createStore(),
    ids,
    clock,
    usage: createUsage(),
    faults: createFaults(),
    calls: createCallLog(),
    locators: createLocators(),
    jobs: createJobStore(),
    inFlight: createInFlight(),
    tokens: createTokenStore(orgId, config.accessTokenTtlMs),
    recycleBin: createRecycleBin(clock.now() - 400 * 86_400_000),
    mutations: createRandom(config.seed + 1),
    autoNumber(object) {
      const n = (numbers.get(object) ?? 0) + 1;
      numbers.set(object, n);
      return `EV-${String(n).padStart(6, "0")}`;
    },
  };
  // An org without Conversion's package has no Conversion_Id__c: to every call it is a field that does not exist.
  const absent = (field: string) => !config.conversionIdField && field === PACKAGE_FIELD;
  org.store.hiddenField = (object, field) =>
    absent(field) || (org.faults.hiddenFields.get(object)?.has(field) ?? false);
  seedOrg({
    store: org.store,
    ids,
    seed: config.seed,
    counts: config.counts,
    defects: config.defects,
    userId,
    now: Date.now(),
    endsSecondsAgo: config.seedEndsSecondsAgo,
    autoNumber: org.autoNumber,
  });
  loadRecycleBin(org);
  return org;
}

let current: Org | null = null;

/** The org, built on first use: Workers freeze the clock at module load, so not at import time. */
export function getOrg(env: FakeEnv): Org {
  if (!current) current = createOrg(configFromEnv(env));
  return current;
}

export function replaceOrg(org: Org): Org {
  current = org;
  return org;
}
