// Record search: the form is a plain GET form (the URL holds the search, so Back works);
// this script fills it from the URL, checks it, and shows the API's results.
import { ApiError, api, formatDateTime, h, showErrors, tag } from "/static/js/api.js";
import { choices, word, wordTag } from "/static/js/words.js";

const PER_PAGE = 25;
const form = document.getElementById("search-form");
const results = document.getElementById("results");
const params = new URLSearchParams(window.location.search);

function fillForm() {
  // The statuses a record can have, in the server's words (the select starts with "Any").
  form.elements.status.append(...choices("record_status").map(([value, text]) => h("option", { value }, text)));
  for (const name of ["q", "status", "line", "day"]) {
    if (params.has(name)) form.elements[name].value = params.get(name);
  }
  form.elements.mine.checked = params.get("mine") === "true";
  form.elements.open.checked = params.get("open") === "true";
}

form.addEventListener("submit", (event) => {
  const q = form.elements.q.value.trim();
  if (q && q.length < 2) {
    event.preventDefault();
    results.replaceChildren();
    showErrors([{ loc: ["q"], msg: "Enter at least 2 characters to search" }], { form });
    return;
  }
  // Leave empty fields out of the URL.
  for (const element of form.elements) {
    if (element.name && !element.value) element.disabled = true;
  }
});

function pageLink(page, label) {
  const next = new URLSearchParams(params);
  next.set("page", String(page));
  return h("a", { href: `/records?${next}` }, label);
}

async function search() {
  const query = new URLSearchParams();
  for (const [key, value] of params) if (value) query.set(key, value);
  query.set("per_page", String(PER_PAGE));
  results.replaceChildren(h("p", {}, "Searching…"));
  let page;
  try {
    page = await api.get(`/api/records?${query}`);
  } catch (error) {
    results.replaceChildren();
    if (error instanceof ApiError && error.status === 422) {
      showErrors(error, { form, fieldIdFor: (loc) => String(loc[loc.length - 1]) });
    } else if (error instanceof ApiError && error.status === 403) {
      results.replaceChildren(h("p", {}, "Only social workers and managers can read conversation records."));
    } else {
      results.replaceChildren(h("p", {}, error.message));
    }
    return;
  }
  const first = (page.page - 1) * page.per_page + 1;
  const last = first + page.items.length - 1;
  const summary = page.total
    ? `Showing ${first} to ${last} of ${page.total} record${page.total === 1 ? "" : "s"}`
    : "No records match your search.";
  const nodes = [h("h2", { id: "results-heading" }, page.total ? summary : "No results"),
    page.total ? null : h("p", {}, summary)];
  if (page.items.length) {
    nodes.push(h("table", { class: "table", id: "results-table", "aria-describedby": "results-heading" },
      h("thead", {}, h("tr", {}, ["Call", "Line", "Children", "Worker", "Status", "Outcome"].map((text) => h("th", { scope: "col" }, text)))),
      h("tbody", {}, page.items.map((record) => {
        return h("tr", {},
          h("td", {}, h("a", { href: `/records/${record.id}` }, formatDateTime(record.started_at))),
          h("td", {}, record.line.name, record.out_of_hours ? [" ", tag("Out of hours", "purple")] : null),
          h("td", {}, record.children.length ? record.children.join(", ") : "Not written yet"),
          h("td", {}, record.assigned_worker ? record.assigned_worker.name : "Nobody"),
          h("td", {}, wordTag("record_status", record.status)),
          h("td", {}, record.outcome ? word("record_outcome", record.outcome) : ""));
      }))));
    const pages = Math.ceil(page.total / page.per_page);
    if (pages > 1) {
      nodes.push(h("nav", { "aria-label": "Pages of results", class: "button-group" },
        page.page > 1 ? pageLink(page.page - 1, "Previous page") : null,
        h("span", {}, `Page ${page.page} of ${pages}`),
        page.page < pages ? pageLink(page.page + 1, "Next page") : null));
    }
  }
  results.replaceChildren(...nodes.filter(Boolean));
}

fillForm();
search();
