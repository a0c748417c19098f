export * from "./conversion";
export * from "./enums";
export * from "./outbound";
export * from "./sync";
export * from "./tenancy";
