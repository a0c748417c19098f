export * from "./defaults";
export * from "./fields";
export * from "./schema";
export * from "./store";
