import { useEffect } from "preact/hooks";
import { ActivityChart } from "./ActivityChart/ActivityChart";
import { ConnectionCard } from "./ConnectionCard/ConnectionCard";
import { HealthCard } from "./HealthCard/HealthCard";
import { mountOverview } from "./model";
import { RateLimitsCard } from "./RateLimitsCard/RateLimitsCard";
import "./OverviewPage.css";

export function OverviewPage() {
  useEffect(mountOverview, []);
  return (
    <section aria-labelledby="page-title">
      <h2 id="page-title" tabIndex={-1}>
        Overview
      </h2>
      <ConnectionCard />
      <HealthCard />
      <ActivityChart />
      <RateLimitsCard />
    </section>
  );
}
