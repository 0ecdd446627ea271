// A record's audit trail (managers).
import { api, formatDateTime, h } from "/static/js/api.js";

const container = document.getElementById("audit");
const recordId = Number(container.dataset.recordId);

function describeChanges(changes) {
  if (!changes || !Object.keys(changes).length) return "";
  return h("ul", { class: "list body-s" }, Object.entries(changes).map(([field, change]) =>
    h("li", {}, h("strong", {}, field), `: ${JSON.stringify(change.old)} → ${JSON.stringify(change.new)}`)));
}

async function load() {
  let events;
  try {
    events = await api.get(`/api/records/${recordId}/audit`);
  } catch (error) {
    container.replaceChildren(h("p", {}, error.status === 403 ? "Only managers can read audit trails." : error.message));
    return;
  }
  container.replaceChildren(h("table", { class: "table", id: "audit-table" },
    h("thead", {}, h("tr", {}, ["When", "Who", "What", "Changes"].map((text) => h("th", { scope: "col" }, text)))),
    h("tbody", {}, events.map((event) => h("tr", {},
      h("td", {}, formatDateTime(event.at)),
      h("td", {}, event.actor_name || (event.actor_user_id ? `User ${event.actor_user_id}` : "The service")),
      h("td", {}, event.action.replace("record.", "").replaceAll("_", " "), event.detail ? h("div", { class: "body-s" }, event.detail) : null),
      h("td", {}, describeChanges(event.changes)))))));
}

load();
