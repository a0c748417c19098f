export * from "./conversion";
export * from "./sync";
export * from "./tenancy";
