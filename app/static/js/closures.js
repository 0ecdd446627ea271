// Closures and openings: declare one (GOV.UK date inputs and a 24-hour time, London time),
// list those running and to come, end a running one now, delete one that has not started.
// Every rule is the API's (/api/closures); this page only reads the form and shows answers.
import { api, h } from "/static/js/api.js";
import { readDate, readTime } from "/static/js/govuk_dates.js";
import { clearErrors, govukTag, showErrors } from "/static/js/govuk.js";
import { formatRange } from "/static/js/london.js";

const form = document.getElementById("closure-form");
// Where each field of the API's answers is on the form.
const FIELD_IDS = { mode: "mode", line: "line", starts_at: "starts", ends_at: "ends", reason: "reason" };

function showProblems(errors) {
  showErrors(errors, { form, fieldIdFor: (loc) => FIELD_IDS[loc[loc.length - 1]] || loc[0] || "" });
}

// ---- reading the form --------------------------------------------------------------------

// "2026-03-27T13:00" from the date input `prefix` ("starts") and its time "<prefix>-time",
// or null with the problems pushed, the date's on the date input, the time's on the time.
function readWhen(prefix, what, problems) {
  const date = readDate(prefix, { label: `The ${what} date` });
  const time = readTime(`${prefix}-time`);
  if (date.empty) problems.push({ loc: [prefix], msg: `Enter the ${what} date`, part: "day" });
  else if (date.error) problems.push({ loc: [prefix], msg: date.error, part: date.part });
  if (time.empty) problems.push({ loc: [`${prefix}-time`], msg: `Enter the ${what} time, for example 13:00` });
  else if (time.error) problems.push({ loc: [`${prefix}-time`], msg: `The ${what} time must be on the 24-hour clock, for example 13:00` });
  return date.value && time.value ? `${date.value}T${time.value}` : null;
}

async function declare(event) {
  event.preventDefault();
  const problems = [];
  const startsAt = readWhen("starts", "start", problems);
  const endsAt = readWhen("ends", "end", problems);
  const reason = form.elements.reason.value.trim();
  if (!reason) problems.push({ loc: ["reason"], msg: "Say why, for example Team training" });
  if (problems.length) {
    showProblems(problems);
    return;
  }
  const body = {
    mode: form.elements.mode.value,
    line: form.elements.line.value || null,
    starts_at: startsAt,
    ends_at: endsAt,
    reason,
  };
  try {
    const made = await api.post("/api/closures", body);
    clearErrors(form);
    form.reset();
    await loadClosures();
    done(`${made.kind === "closure" ? "Closure" : "Opening"} declared. ${made.words}`);
  } catch (error) {
    showProblems(error);
  }
}

// ---- the list ----------------------------------------------------------------------------

function done(text) {
  const banner = document.getElementById("closure-banner");
  document.getElementById("closure-banner-text").textContent = text;
  banner.hidden = false;
  banner.focus();
}

async function act(closure, action) {
  try {
    if (action === "end") {
      const ended = await api.post(`/api/closures/${closure.id}/end`);
      done(`${closure.reason} ended early. ${ended.words}`);
    } else {
      await api.delete(`/api/closures/${closure.id}`);
      done(`${closure.reason} deleted: it will not happen.`);
    }
    clearErrors(form);
  } catch (error) {
    showProblems(error);
  }
  await loadClosures();
}

function row(closure) {
  const cell = (...content) => h("td", { class: "govuk-table__cell" }, ...content);
  const running = closure.state === "running";
  const what = closure.kind === "closure" ? "Closure: calls go to the on-call workers" : "Opening: the duty team answers";
  const label = running ? "End now" : "Delete";
  const button = h("button", {
    type: "button",
    class: `govuk-button govuk-button--${running ? "secondary" : "warning"} govuk-!-margin-bottom-0`,
    onclick: () => act(closure, running ? "end" : "delete"),
  }, label, h("span", { class: "govuk-visually-hidden" }, `: ${closure.reason}`));
  return h("tr", { class: "govuk-table__row", dataset: { closureId: closure.id, state: closure.state } },
    h("th", { scope: "row", class: "govuk-table__header" }, closure.reason),
    cell(what),
    cell(closure.line ? closure.line.name : "All lines"),
    cell(formatRange(closure.starts_at, closure.ends_at)),
    cell(govukTag(running ? "Running now" : "To come", running ? "green" : "blue")),
    cell(button));
}

async function loadClosures() {
  const container = document.getElementById("closures");
  let closures;
  try {
    closures = await api.get("/api/closures");
  } catch (error) {
    container.replaceChildren(h("p", { class: "govuk-body" }, error.message || "The closures could not be loaded."));
    return;
  }
  if (!closures.length) {
    container.replaceChildren(h("p", { class: "govuk-body", id: "no-closures" }, "No closures or openings are running or to come: the usual hours apply."));
  } else {
    const heading = (text) => h("th", { scope: "col", class: "govuk-table__header" }, text);
    container.replaceChildren(h("table", { class: "govuk-table", id: "closures-table" },
      h("caption", { class: "govuk-table__caption govuk-visually-hidden" }, "Closures and openings running now and to come"),
      h("thead", { class: "govuk-table__head" }, h("tr", { class: "govuk-table__row" },
        heading("Why"), heading("What happens"), heading("Lines"), heading("When (London time)"), heading("Status"),
        h("th", { scope: "col", class: "govuk-table__header" }, h("span", { class: "govuk-visually-hidden" }, "Action")))),
      h("tbody", { class: "govuk-table__body" }, closures.map(row))));
  }
  document.body.dataset.closuresLoaded = String(Number(document.body.dataset.closuresLoaded || 0) + 1);
}

form.addEventListener("submit", declare);
loadClosures();
