export * from "./store";
export * from "./records";
