export * from "./tenancy";
export * from "./sync";
export * from "./conversion";
