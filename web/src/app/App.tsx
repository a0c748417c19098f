import { useEffect } from "preact/hooks";
import { sessionExpired } from "../api/client";
import { Notice } from "../components/Notice/Notice";
import { Skeleton } from "../components/Skeleton/Skeleton";
import { Layout } from "../layout/Layout";
import { ActivityPage } from "../pages/Activity/ActivityPage";
import { ExpiredPage } from "../pages/Expired/ExpiredPage";
import { HistoryPage } from "../pages/History/HistoryPage";
import { LaunchPage } from "../pages/Launch/LaunchPage";
import { NotFoundPage } from "../pages/NotFound/NotFoundPage";
import { OverviewPage } from "../pages/Overview/OverviewPage";
import { RunPage } from "../pages/Run/RunPage";
import { SettingsPage } from "../pages/Settings/SettingsPage";
import { loadSession, session, sessionError } from "../state/session";
import { route } from "./routes";

function Page() {
  const r = route.value;
  switch (r.name) {
    case "overview":
      return <OverviewPage />;
    case "activity":
      return <ActivityPage />;
    case "run":
      return <RunPage key={r.id} id={r.id} />;
    case "history":
      return <HistoryPage />;
    case "settings":
      return <SettingsPage />;
    default:
      return <NotFoundPage />;
  }
}

/** Nothing is shown until the session is known: the CSRF token comes with it, and a 401 means "expired". */
export function App() {
  const launching = route.value.name === "launch";
  useEffect(() => {
    if (!launching) void loadSession();
  }, [launching]);

  // The launch link's own screen: it signs in (or asks before switching workspaces), then reloads.
  if (launching) return <LaunchPage />;
  if (sessionExpired.value) return <ExpiredPage />;
  if (sessionError.value) {
    return (
      <Layout>
        <Notice tone="error" title={sessionError.value} onRetry={loadSession} />
      </Layout>
    );
  }
  if (!session.value) {
    return (
      <Layout>
        <Skeleton kind="card" rows={2} />
      </Layout>
    );
  }
  return (
    <Layout>
      <Page />
    </Layout>
  );
}
