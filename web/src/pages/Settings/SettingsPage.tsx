import { useEffect } from "preact/hooks";
import { LocalTime } from "../../components/LocalTime/LocalTime";
import { Notice } from "../../components/Notice/Notice";
import { Skeleton } from "../../components/Skeleton/Skeleton";
import { ConnectionCard } from "../Overview/ConnectionCard/ConnectionCard";
import { catalog, catalogError, catalogPhase, loadCatalog } from "./catalog";
import { ErrorSummary } from "./ErrorSummary";
import { Mappings } from "./Mappings/Mappings";
import { dirty, draft, loadError, loadSettings, mountSettings, save } from "./model";
import { Objects } from "./Objects/Objects";
import { Outbound } from "./Outbound/Outbound";
import { Push } from "./Push/Push";
import { SaveBar } from "./SaveBar/SaveBar";
import { Schedule } from "./Schedule/Schedule";
import { SyncRules } from "./SyncRules/SyncRules";
import "./SettingsPage.css";
import { Page } from "../../layout/Section";

/** Where the org's field lists come from, or why there are none (field names can then be typed). */
function CatalogNotice() {
  if (catalogPhase.value === "error") {
    return (
      <Notice
        tone="warning"
        title={`The field lists could not be loaded: ${catalogError.value}`}
        onRetry={() => loadCatalog()}
      >
        <p>Field names can still be typed as Salesforce API names.</p>
      </Notice>
    );
  }
  const sf = catalog.value?.salesforce;
  if (!sf) return null;
  if (!sf.available) {
    return (
      <Notice tone="info" title={sf.reason?.message ?? "The org’s fields are not available."}>
        <p>Until then, type Salesforce fields by their API names (for example Do_Not_Sync__c).</p>
      </Notice>
    );
  }
  const times = Object.values(sf.objects)
    .map((o) => o.describedAt)
    .filter((t): t is string => !!t)
    .sort();
  return (
    <p class="meta settings__catalog">
      {times[0] && (
        <span>
          Fields as Salesforce described them <LocalTime iso={times[0]} />
        </span>
      )}
      <button
        type="button"
        class="btn btn--secondary btn--small"
        onClick={() => loadCatalog(true)}
        aria-disabled={catalogPhase.value === "loading" ? "true" : undefined}
      >
        {catalogPhase.value === "loading" ? "Reading fields…" : "Read fields from Salesforce again"}
      </button>
    </p>
  );
}

function Form() {
  if (loadError.value) return <Notice tone="error" title={loadError.value} onRetry={loadSettings} />;
  if (!draft.value) return <Skeleton kind="card" rows={3} />;
  const onSubmit = (e: Event) => {
    e.preventDefault();
    if (dirty.peek()) void save();
  };
  return (
    <form class="settings" noValidate onSubmit={onSubmit}>
      <ErrorSummary />
      <CatalogNotice />
      <Objects />
      <SyncRules />
      <Outbound />
      <Mappings />
      <Schedule />
      <SaveBar />
    </form>
  );
}

/** Settings: the connection and every sync setting, saved together through PATCH /settings. */
export function SettingsPage() {
  useEffect(mountSettings, []);
  return (
    <Page title="Settings">
      <p class="page-intro">
        What syncs between Salesforce and Conversion, and how. Saved changes apply from the next sync.
      </p>
      <ConnectionCard showSyncNow={false} />
      <Form />
      <Push />
    </Page>
  );
}
