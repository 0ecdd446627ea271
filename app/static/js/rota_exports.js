// CSV export (a plain download link), CSV import with the report of refused rows, and the
// secret iCalendar feeds that coordinators and admins issue and revoke.
import { ApiError, api, clearErrors, h, hasRole, me, showErrors, tag } from "/static/js/api.js";
import {
  addDays, fillWorkerSelect, formatWhen, londonToday, rotaWorkers, showFieldErrors,
} from "/static/js/rota_common.js";

// ---- export -----------------------------------------------------------------------------

const exportForm = document.getElementById("export-form");
const exportLink = document.getElementById("export-link");

function updateExportLink() {
  const query = new URLSearchParams();
  if (exportForm.elements.from.value) query.set("from", exportForm.elements.from.value);
  if (exportForm.elements.to.value) query.set("to", exportForm.elements.to.value);
  exportLink.href = `/api/rota/export.csv?${query}`;
  exportLink.textContent = `CSV of the shifts from ${exportForm.elements.from.value || "today"} to ${exportForm.elements.to.value || "8 weeks ahead"}`;
}
exportForm.addEventListener("input", updateExportLink);

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
    h("div", { class: "warning-text", id: "import-refused-summary" },
      `Nothing was imported: ${refused.length} row${refused.length === 1 ? " was" : "s were"} refused. Correct ${refused.length === 1 ? "it" : "them"} and import the whole file again.`),
    h("table", { class: "table rota-refused", id: "import-refused" },
      h("caption", {}, "Rows refused"),
      h("thead", {}, h("tr", {}, ["Row", "Column", "Why"].map((text) => h("th", { scope: "col" }, text)))),
      h("tbody", {}, refused.map((row) => h("tr", {},
        h("td", {}, String(row.row)), h("td", {}, row.field), h("td", {}, row.message))))));
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
      h("p", {}, h("strong", {}, result.dry_run
        ? "Every row is correct. Nothing was imported: untick “Only check the rows” to import them."
        : `${result.imported} shift${result.imported === 1 ? "" : "s"} imported.`)),
      result.dry_run ? null : h("p", {}, h("a", { href: "/rota" }, "Check the gaps"), ".")));
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
    container.replaceChildren(h("p", {}, error.message));
    return;
  }
  if (!feeds.length) {
    container.replaceChildren(h("p", { id: "no-feeds" }, "No feed addresses issued."));
    return;
  }
  container.replaceChildren(h("table", { class: "table", id: "feeds-table" },
    h("caption", { class: "visually-hidden" }, "Calendar feeds"),
    h("thead", {}, h("tr", {}, ["Feed of", "Issued", "Status", h("span", { class: "govuk-visually-hidden" }, "Actions")].map((text) => h("th", { scope: "col" }, text)))),
    h("tbody", {}, feeds.map((feed) => {
      const who = feed.worker ? feed.worker.name : "The whole rota";
      return h("tr", { dataset: { feedId: feed.id } },
        h("td", {}, who),
        h("td", {}, formatWhen(feed.created_at)),
        h("td", {}, feed.revoked_at ? tag(`Revoked ${formatWhen(feed.revoked_at)}`, "grey") : tag("Active", "green")),
        h("td", {}, feed.revoked_at ? "" : h("button", {
          type: "button", class: "button button--warning button--small",
          onclick: async () => {
            try {
              await api.delete(`/api/rota/feeds/${feed.id}`);
            } catch (error) {
              showFieldErrors(error, "feed", feedForm);
            }
            document.getElementById("feed-created").hidden = true;
            await loadFeeds();
          },
        }, "Revoke", h("span", { class: "visually-hidden" }, ` the feed of ${who}`))));
    }))));
}

feedForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(feedForm);
  const value = feedForm.elements.worker_id.value;
  try {
    const feed = await api.post("/api/rota/feeds", { worker_id: value ? Number(value) : null });
    const created = document.getElementById("feed-created");
    document.getElementById("feed-url").textContent = feed.url;
    created.querySelector(".banner__title").textContent = `New feed address: ${feed.worker ? feed.worker.name : "the whole rota"}`;
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
  exportForm.elements.from.value = today;
  exportForm.elements.to.value = addDays(today, 7 * 8);
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
