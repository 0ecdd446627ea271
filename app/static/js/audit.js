// A record's audit trail (managers): who, when, and what changed, in words.
import { api, formatDateTime, h } from "/static/js/api.js";

const container = document.getElementById("audit");
const recordId = Number(container.dataset.recordId);

function describeChanges(words) {
  if (!words || !words.length) return "";
  return h("ul", { class: "govuk-list govuk-body-s" }, words.map((line) => h("li", {}, line)));
}

async function load() {
  let events;
  try {
    events = await api.get(`/api/records/${recordId}/audit`);
  } catch (error) {
    container.replaceChildren(h("p", { class: "govuk-body" }, error.status === 403 ? "Only managers can read audit trails." : error.message));
    return;
  }
  container.replaceChildren(h("table", { class: "govuk-table", id: "audit-table" },
    h("thead", { class: "govuk-table__head" }, h("tr", { class: "govuk-table__row" },
      ["When", "Who", "What", "Changes"].map((text) => h("th", { scope: "col", class: "govuk-table__header" }, text)))),
    h("tbody", { class: "govuk-table__body" }, events.map((event) => h("tr", { class: "govuk-table__row" },
      h("td", { class: "govuk-table__cell" }, formatDateTime(event.at)),
      h("td", { class: "govuk-table__cell" }, event.actor_name),
      h("td", { class: "govuk-table__cell" }, event.what, event.detail ? h("div", { class: "govuk-body-s" }, event.detail) : null),
      h("td", { class: "govuk-table__cell" }, describeChanges(event.changes_in_words)))))));
}

load();
