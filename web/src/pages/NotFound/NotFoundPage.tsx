import { PATHS } from "../../app/routes";
import { Link } from "../../router/Link";

export function NotFoundPage() {
  return (
    <section>
      <h2 id="page-title" tabIndex={-1}>
        Page not found
      </h2>
      <p>
        This address does not match a page in CRM &amp; Syncing. <Link href={PATHS.overview}>Go to the Overview</Link>.
      </p>
    </section>
  );
}
