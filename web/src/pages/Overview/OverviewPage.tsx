import { useEffect } from "preact/hooks";
import { ActivityChart } from "./ActivityChart/ActivityChart";
import { ConnectionCard } from "./ConnectionCard/ConnectionCard";
import { HealthCard } from "./HealthCard/HealthCard";
import { mountOverview } from "./model";
import { RateLimitsCard } from "./RateLimitsCard/RateLimitsCard";
import "./OverviewPage.css";
import { Page } from "../../layout/Section";

export function OverviewPage() {
  useEffect(mountOverview, []);
  return (
    <Page title="Overview">
      <ConnectionCard />
      <HealthCard />
      <ActivityChart />
      <RateLimitsCard />
    </Page>
  );
}
