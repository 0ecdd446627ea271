// CSV export (a plain download link), CSV import with the report of refused rows, and the
// secret iCalendar feeds that coordinators and admins issue and revoke.
import { ApiError, api, h, hasRole, me } from "/static/js/api.js";
import { showErrors } from "/static/js/govuk.js";
import {
  addDays, clearErrors, fillWorkerSelect, formatDay, formatWhen, govukTable, govukTag, londonToday,
  readDates, rotaWorkers, setDate, showFieldErrors, tableRow,
} from "/static/js/rota_common.js";

// ---- export -----------------------------------------------------------------------------

const exportForm = document.getElementById("export-form");
const exportLink = document.getElementById("export-link");

const EXPORT_DATES = {
  from: { name: "first", time: false, optional: true }, to: { name: "last", time: false, optional: true },
};

// The link follows the dates as they are typed; a date not yet whole leaves it as it was.
function updateExportLink() {
  const [dates, errors] = readDates("export", EXPORT_DATES);
  if (errors.length) return errors;
  exportLink.href = `/api/rota/export.csv?${new URLSearchParams(dates)}`;
  const from = dates.from ? formatDay(dates.from) : "today";
  const to = dates.to ? formatDay(dates.to) : "8 weeks ahead";
  exportLink.textContent = `CSV of the shifts from ${from} to ${to}`;
  return [];
}
exportForm.addEventListener("input", () => updateExportLink());
exportForm.addEventListener("submit", (event) => {
  event.preventDefault();
  clearErrors(exportForm);
  const errors = updateExportLink();
  if (errors.length) showFieldErrors(errors, "export", exportForm);
  else window.location.assign(exportLink.href);
});

// ---- import -----------------------------------------------------------------------------

const importForm = document.getElementById("import-form");
const importResult = document.getElementById("import-result");
const csvField = document.getElementById("import-csv");

document.getElementById("import-file").addEventListener("change", async (event) => {
  const [file] = event.target.files;
  if (!file) return;
  csvField.value = await file.text();
});

function showRefused(refused) {
  importResult.replaceChildren(
    h("p", { class: "govuk-body govuk-!-font-weight-bold", id: "import-refused-summary" },
      `Nothing was imported: ${refused.length} row${refused.length === 1 ? " was" : "s were"} refused. Correct ${refused.length === 1 ? "it" : "them"} and import the whole file again.`),
    govukTable({
      id: "import-refused", caption: "Rows refused", captionVisible: true, heads: ["Row", "Column", "Why"],
      rows: refused.map((row) => tableRow({}, [String(row.row), row.field, row.message])),
    }));
}

importForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(importForm);
  importResult.replaceChildren();
  const csv = csvField.value;
  if (!csv.trim() || csv.trim().split(/\r?\n/).length < 2) {
    showFieldErrors([{ loc: ["csv"], msg: "Choose a CSV file or paste its rows, below a header row" }], "import", importForm);
    return;
  }
  const dryRun = document.getElementById("import-dry_run").checked;
  const button = document.getElementById("import-submit");
  button.disabled = true;
  try {
    const result = await api.post("/api/rota/import", { csv, dry_run: dryRun });
    importResult.replaceChildren(h("div", { class: "rota-result", id: "import-done" },
      h("p", { class: "govuk-body" }, h("strong", {}, result.dry_run
        ? "Every row is correct. Nothing was imported: untick “Only check the rows” to import them."
        : `${result.imported} shift${result.imported === 1 ? "" : "s"} imported.`)),
      result.dry_run ? null : h("p", { class: "govuk-body" }, h("a", { class: "govuk-link", href: "/rota" }, "Check the gaps"), ".")));
    importResult.focus();
  } catch (error) {
    const refused = error instanceof ApiError && error.body && Array.isArray(error.body.refused) ? error.body.refused : null;
    if (refused) {
      showRefused(refused);
      showErrors(refused.map((row) => ({ loc: ["csv"], msg: `Row ${row.row}, ${row.field}: ${row.message}` })),
        { form: importForm, fieldIdFor: () => "import-csv", title: "Nothing was imported" });
    } else {
      showFieldErrors(error, "import", importForm);
    }
  } finally {
    button.disabled = false;
  }
});

// ---- feeds ------------------------------------------------------------------------------

const feedForm = document.getElementById("feed-form");

async function loadFeeds() {
  const container = document.getElementById("feeds");
  let feeds;
  try {
    feeds = await api.get("/api/rota/feeds");
  } catch (error) {
    container.replaceChildren(h("p", { class: "govuk-body" }, error.message));
    return;
  }
  if (!feeds.length) {
    container.replaceChildren(h("p", { class: "govuk-body", id: "no-feeds" }, "No feed addresses issued."));
    return;
  }
  container.replaceChildren(govukTable({
    id: "feeds-table", caption: "Calendar feeds",
    heads: ["Feed of", "Issued", "Status", h("span", { class: "govuk-visually-hidden" }, "Actions")],
    rows: feeds.map((feed) => {
      const who = feed.worker ? feed.worker.name : "The whole rota";
      return tableRow({ dataset: { feedId: feed.id } }, [
        who,
        formatWhen(feed.created_at),
        feed.revoked_at ? govukTag(`Revoked ${formatWhen(feed.revoked_at)}`, "grey") : govukTag("Active", "green"),
        feed.revoked_at ? "" : h("button", {
          type: "button", class: "govuk-button govuk-button--warning govuk-!-margin-bottom-0",
          onclick: async () => {
            try {
              await api.delete(`/api/rota/feeds/${feed.id}`);
            } catch (error) {
              showFieldErrors(error, "feed", feedForm);
            }
            document.getElementById("feed-created").hidden = true;
            await loadFeeds();
          },
        }, "Revoke", h("span", { class: "govuk-visually-hidden" }, ` the feed of ${who}`))]);
    }),
  }));
}

feedForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(feedForm);
  const value = feedForm.elements.worker_id.value;
  try {
    const feed = await api.post("/api/rota/feeds", { worker_id: value ? Number(value) : null });
    const created = document.getElementById("feed-created");
    document.getElementById("feed-url").textContent = feed.url;
    created.querySelector(".govuk-notification-banner__title").textContent = `New feed address: ${feed.worker ? feed.worker.name : "the whole rota"}`;
    created.hidden = false;
    created.focus();
    await loadFeeds();
  } catch (error) {
    showFieldErrors(error, "feed", feedForm);
  }
});

// ---- the page ---------------------------------------------------------------------------

async function feedWorkers() {
  try {
    return await rotaWorkers(); // coordinators
  } catch {
    return (await api.get("/api/workers")).map((w) => ({ ...w, phone_valid: true })); // admins
  }
}

async function start() {
  const today = londonToday();
  setDate("export-from", today);
  setDate("export-to", addDays(today, 7 * 8));
  updateExportLink();
  let user = null;
  try {
    user = await me();
  } catch {
    return;
  }
  const show = (selector, visible) => { for (const element of document.querySelectorAll(selector)) element.hidden = !visible; };
  show("[data-readers-only]", hasRole(user, "coordinator", "manager"));
  show("[data-coordinator-only]", hasRole(user, "coordinator"));
  show("[data-feeds-only]", hasRole(user, "coordinator", "admin"));
  if (hasRole(user, "coordinator", "admin")) {
    try {
      fillWorkerSelect(document.getElementById("feed-worker_id"), await feedWorkers());
    } catch {
      // the whole-rota feed still works
    }
    await loadFeeds();
  }
  document.body.dataset.rotaLoaded = "1";
}

start();
