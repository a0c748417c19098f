export { consume, LIMITS, type LimitName, periodSeconds } from "./limits";
export {
  type LimitMiddleware,
  limitFailedAuthentication,
  perWorkspace,
  rateLimit,
  writesPerApiKey,
} from "./middleware";
