export * from "./fail";
export * from "./failure";
export * from "./records";
export * from "./store";
