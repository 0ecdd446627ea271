// Workers: the list (name, phone as staff read it, lines, status) and, for admins, adding one.
import { api, h, loadFailed } from "/static/js/api.js";
import { clearErrors, showErrors, showSuccess } from "/static/js/govuk.js";
import {
  checkedLines, fieldNamed, lineCheckboxes, linesInWords, loaded, phoneWords, refusal, statusTag,
} from "/static/js/workers_common.js";

const container = document.getElementById("workers");
const form = document.getElementById("add-worker-form");
let lineNames = {};

function table(workers) {
  const cell = (...content) => h("td", { class: "govuk-table__cell" }, ...content);
  const heading = (text) => h("th", { scope: "col", class: "govuk-table__header" }, text);
  return h("table", { class: "govuk-table", id: "workers-table" },
    h("caption", { class: "govuk-table__caption govuk-visually-hidden" }, "Workers"),
    h("thead", { class: "govuk-table__head" }, h("tr", { class: "govuk-table__row" },
      ["Name", "Phone number", "Lines in hours", "Status"].map(heading))),
    h("tbody", { class: "govuk-table__body" }, workers.map((worker) => h("tr", { class: "govuk-table__row", dataset: { worker: worker.name } },
      cell(h("a", { class: "govuk-link", href: `/workers/${worker.id}` }, worker.name)),
      cell(worker.phone_words),
      cell(linesInWords(worker.lines.map((key) => ({ name: lineNames[key] || key })))),
      cell(statusTag(worker.active))))));
}

async function loadWorkers() {
  try {
    const workers = await api.get("/api/workers");
    container.replaceChildren(workers.length ? table(workers) : h("p", { class: "govuk-body" }, "No workers yet."));
  } catch (error) {
    loadFailed(container, error);
  }
  loaded();
}

async function start() {
  try {
    const lines = form ? await lineCheckboxes(document.getElementById("lines-choices")) : await api.get("/api/lines");
    lineNames = Object.fromEntries(lines.map((line) => [line.key, line.name]));
  } catch {
    lineNames = {};
  }
  await loadWorkers();
}

form?.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(form);
  const body = { name: document.getElementById("name").value.trim(), phone: document.getElementById("phone").value.trim(), lines: checkedLines(form) };
  const problems = [];
  if (!body.name) problems.push({ loc: ["name"], msg: "Enter the worker's full name" });
  if (!body.phone) problems.push({ loc: ["phone"], msg: "Enter the worker's phone number, like 07700 900123" });
  if (problems.length) {
    showErrors(problems, { form, fieldIdFor: fieldNamed });
    return;
  }
  try {
    const worker = await api.post("/api/workers", body);
    form.reset();
    await loadWorkers();
    showSuccess(document.getElementById("success-banner"), `${worker.name} added, on ${worker.phone_words}. They are offline until they go available.`);
  } catch (error) {
    showErrors(refusal(error, { phone: phoneWords(body.phone) }), { form, fieldIdFor: fieldNamed });
  }
});

start();
