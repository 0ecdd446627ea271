// Record search: the form is a plain GET form (the URL holds the search, so Back works);
// this script fills it from the URL, checks it, and shows the API's results.
import { ApiError, api, formatDateTime, h } from "/static/js/api.js";
import { readDate } from "/static/js/govuk_dates.js";
import { clearErrors, showErrors } from "/static/js/govuk.js";
import { govukWordTag, word } from "/static/js/words.js";

const PER_PAGE = 25;
const form = document.getElementById("search-form");
const results = document.getElementById("results");
const params = new URLSearchParams(window.location.search);

// What to say when the API refuses a search, by the query parameter it names: never the
// API's own validation text.
const SEARCH_PROBLEMS = {
  q: "Enter between 2 and 100 characters to search",
  status: "Choose a status from the list",
  line: "Choose a line from the list",
  day: "Enter the date of the call as a real date, like 2 12 2026",
  mine: "Tick or untick \u201cRecords with me\u201d and search again",
  open: "Tick or untick \u201cOpen records\u201d and search again",
};

// Problems as showErrors takes them: loc [the field's id] (none for the whole search).
function showProblems(problems) {
  showErrors(problems, { form, fieldIdFor: (loc) => loc[0] || "" });
}

function problemsOf(error) {
  if (error instanceof ApiError && error.status === 422) {
    const found = error.details.map((detail) => {
      const name = String((detail.loc || [])[(detail.loc || []).length - 1] ?? "");
      return SEARCH_PROBLEMS[name] ? { loc: [name === "day" ? "day-day" : name], msg: SEARCH_PROBLEMS[name] } : null;
    }).filter(Boolean);
    return found.length ? found : [{ loc: [], msg: "The search could not be done. Clear it and search again." }];
  }
  if (error instanceof ApiError && error.status === 403) {
    return [{ loc: [], msg: "Only social workers and managers can read conversation records." }];
  }
  if (error instanceof ApiError) return [{ loc: [], msg: error.message }];
  return [{ loc: [], msg: "The records could not be loaded. Check your connection and try again." }];
}

function fillForm() {
  for (const name of ["q", "status", "line"]) {
    if (params.has(name)) form.elements[name].value = params.get(name);
  }
  // The URL holds the day as the API takes it (2026-12-02); people type 2 12 2026.
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(params.get("day") || "");
  if (day) {
    form.elements["day-day"].value = String(Number(day[3]));
    form.elements["day-month"].value = String(Number(day[2]));
    form.elements["day-year"].value = day[1];
  } else if (params.get("day")) {
    form.elements["day-day"].value = params.get("day");
  }
  form.elements.mine.checked = params.get("mine") === "true";
  form.elements.open.checked = params.get("open") === "true";
}

form.addEventListener("submit", (event) => {
  const q = form.elements.q.value.trim();
  const day = readDate("day", { label: "The date of the call" });
  const problems = [];
  if (q && q.length < 2) problems.push({ loc: ["q"], msg: "Enter at least 2 characters to search" });
  if (day.error) problems.push({ loc: ["day-day"], msg: day.error, part: day.part });
  if (problems.length) {
    event.preventDefault();
    results.replaceChildren();
    showProblems(problems);
    return;
  }
  form.elements.day.value = day.value || "";
  for (const part of ["day-day", "day-month", "day-year"]) form.elements[part].disabled = true;
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
    // A failed search shows no results, not the last ones.
    results.replaceChildren();
    showProblems(problemsOf(error));
    return;
  }
  clearErrors(form);
  const first = (page.page - 1) * page.per_page + 1;
  const last = first + page.items.length - 1;
  const summary = page.total
    ? `Showing ${first} to ${last} of ${page.total} record${page.total === 1 ? "" : "s"}`
    : "No records match your search.";
  const nodes = [h("h2", { class: "govuk-heading-m", id: "results-heading" }, page.total ? summary : "No results"),
    page.total ? null : h("p", {}, summary)];
  if (page.items.length) {
    nodes.push(h("table", { class: "govuk-table", id: "results-table", "aria-describedby": "results-heading" },
      h("thead", { class: "govuk-table__head" }, h("tr", { class: "govuk-table__row" }, ["Call", "Line", "Children", "Worker", "Status", "Outcome"].map((text) => h("th", { scope: "col", class: "govuk-table__header" }, text)))),
      h("tbody", { class: "govuk-table__body" }, page.items.map((record) => {
        const cell = (...content) => h("td", { class: "govuk-table__cell" }, ...content);
        return h("tr", { class: "govuk-table__row" },
          cell(h("a", { class: "govuk-link", href: `/records/${record.id}` }, formatDateTime(record.started_at))),
          cell(record.line.name, record.out_of_hours ? [" ", h("strong", { class: "govuk-tag govuk-tag--purple" }, "Out of hours")] : null),
          cell(record.children.length ? record.children.join(", ") : "Not written yet"),
          cell(record.assigned_worker ? record.assigned_worker.name : "Nobody"),
          cell(govukWordTag("record_status", record.status)),
          cell(record.outcome ? word("record_outcome", record.outcome) : ""));
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
