export * from "./store";
export * from "./records";
export * from "./failure";
