import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { PATHS } from "../../../app/routes";
import { href, navigate } from "../../../router/router";
import { q } from "../model";
import "./SearchForm.css";

/** The search text goes into the URL (?q=), so a result can be shared and Back returns to it. */
export function SearchForm() {
  const text = useSignal(q.value);
  // Back and forward change q without typing; the box follows.
  useEffect(() => {
    text.value = q.value;
  }, [q.value]);

  const onSubmit = (e: Event) => {
    e.preventDefault();
    navigate(href(PATHS.history, { q: text.value.trim() }));
  };

  return (
    // biome-ignore lint/a11y/useSemanticElements: <search> is too new for every browser the page supports; the role says the same.
    <form class="search" role="search" onSubmit={onSubmit}>
      <div class="field search__field">
        <label for="history-q">Salesforce ID, email or Conversion ID</label>
        <input
          id="history-q"
          type="search"
          name="q"
          value={text.value}
          onInput={(e) => (text.value = e.currentTarget.value)}
          placeholder="e.g. 00Q5g00000AbCdEEAZ or ada@example.com"
          autoComplete="off"
          spellcheck={false}
          aria-describedby="history-hint"
        />
      </div>
      <button type="submit" class="btn">
        Search
      </button>
      <p id="history-hint" class="search__hint">
        Shows every sync that touched this record, newest first, and why it was skipped or failed.
      </p>
    </form>
  );
}
