import * as schema from "./schema";

export { type Db, dbOver } from "./client";
export {
  directoryDb,
  onShard,
  placeWorkspace,
  type Shard,
  type ShardEnv,
  shardDb,
  shardNamed,
  shards,
  workspaceEnv,
} from "./shards";
export { schema };
