export { type OrgChange, orgSwitch } from "./switch";
export { isOrgUnlink, type OrgUnlinkMessage, runUnlinkStep, startUnlink } from "./unlink";
