export { type OrgChange, orgSwitch } from "./switch";
export { type OrgUnlinkMessage, runUnlinkStep, startUnlink } from "./unlink";
