export * from "./conversion";
export * from "./outbound";
export * from "./sync";
export * from "./tenancy";
