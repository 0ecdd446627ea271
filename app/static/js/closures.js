// Closures and openings: declare one (GOV.UK date inputs and a 24-hour time, London time),
// list those running and to come, end a running one now, delete one that has not started.
// Every rule is the API's (/api/closures); this page only reads the form and shows answers.
import { ApiError, api, h } from "/static/js/api.js";
import { formatRange } from "/static/js/london.js";

const form = document.getElementById("closure-form");
const SUMMARY_ID = "error-summary";
// Where each field of the API's answers is on the form.
const FIELD_IDS = { mode: "mode", line: "line", starts_at: "starts-day", ends_at: "ends-day", reason: "reason" };

// ---- errors, in GOV.UK Frontend's markup -------------------------------------------------

function clearProblems() {
  document.getElementById(SUMMARY_ID)?.remove();
  for (const message of form.querySelectorAll(".govuk-error-message[data-added]")) message.remove();
  for (const group of form.querySelectorAll(".govuk-form-group--error")) group.classList.remove("govuk-form-group--error");
  for (const field of form.querySelectorAll(".govuk-input--error, .govuk-select--error, .govuk-textarea--error")) {
    field.classList.remove("govuk-input--error", "govuk-select--error", "govuk-textarea--error");
  }
  for (const described of form.querySelectorAll("[data-error-described]")) {
    const rest = described.getAttribute("aria-describedby").split(" ").filter((id) => !id.endsWith("-error"));
    described.setAttribute("aria-describedby", rest.join(" "));
    if (!rest.length) described.removeAttribute("aria-describedby");
    delete described.dataset.errorDescribed;
  }
}

// Mark the field `id` (a date input's day, a time, the reason...) with `text` beside it.
function markField(id, text) {
  const field = document.getElementById(id);
  const group = field && field.closest(".govuk-form-group");
  if (!group || group.querySelector(".govuk-error-message[data-added]")) return;
  group.classList.add("govuk-form-group--error");
  const dateInput = field.closest(".govuk-date-input");
  const errorId = `${(dateInput && dateInput.id) || id}-error`;
  const message = h("p", { class: "govuk-error-message", id: errorId, dataset: { added: "yes" } },
    h("span", { class: "govuk-visually-hidden" }, "Error:"), ` ${text}`);
  const anchor = dateInput || field.closest(".govuk-radios, .govuk-character-count") || field;
  anchor.before(message);
  const described = dateInput ? field.closest("fieldset") : field.closest(".govuk-radios") ? field.closest("fieldset") : field;
  described.setAttribute("aria-describedby", `${described.getAttribute("aria-describedby") || ""} ${errorId}`.trim());
  described.dataset.errorDescribed = "yes";
  const inputs = dateInput ? dateInput.querySelectorAll("input") : [field];
  for (const input of inputs) {
    if (input.tagName === "SELECT") input.classList.add("govuk-select--error");
    else if (input.tagName === "TEXTAREA") input.classList.add("govuk-textarea--error");
    else if (input.type !== "radio") input.classList.add("govuk-input--error");
  }
}

// problems: [{id, text}]; an id of null is a problem with no field (shown in the summary only).
function showProblems(problems) {
  clearProblems();
  const items = problems.map(({ id, text }) => {
    if (!id || !document.getElementById(id)) return h("li", {}, text);
    markField(id, text);
    return h("li", {}, h("a", { href: `#${id}` }, text));
  });
  const summary = h("div", { class: "govuk-error-summary", id: SUMMARY_ID, tabindex: "-1" },
    h("div", { role: "alert" },
      h("h2", { class: "govuk-error-summary__title" }, "There is a problem"),
      h("div", { class: "govuk-error-summary__body" },
        h("ul", { class: "govuk-list govuk-error-summary__list" }, items))));
  document.querySelector("main").prepend(summary);
  summary.focus();
}

function problemsOf(error) {
  if (error instanceof ApiError && error.details.length) {
    return error.details.map((detail) => {
      const loc = detail.loc || [];
      const text = String(detail.msg || "").replace(/^Value error, /, "");
      return { id: FIELD_IDS[loc[loc.length - 1]] || null, text: text.charAt(0).toUpperCase() + text.slice(1) };
    });
  }
  return [{ id: null, text: error.message || "Sorry, that could not be done. Try again." }];
}

// ---- reading the form --------------------------------------------------------------------

const TIME = /^([01]?\d|2[0-3])[:.]([0-5]\d)$/;

// "2026-03-27T13:00" from a date input and a time, or a problem in GOV.UK's words.
function readWhen(prefix, what, problems) {
  const part = (name) => form.elements[`${prefix}-${name}`].value.trim();
  const [day, month, year] = [part("day"), part("month"), part("year")];
  const time = form.elements[`${prefix}-time`].value.trim();
  if (!day && !month && !year) {
    problems.push({ id: `${prefix}-day`, text: `Enter the ${what} date` });
  } else if (![day, month, year].every((v) => /^\d+$/.test(v)) || year.length !== 4 || !realDate(+year, +month, +day)) {
    problems.push({ id: `${prefix}-day`, text: `The ${what} date must be a real date, for example 27 3 2026` });
  }
  const clock = TIME.exec(time);
  if (!time) problems.push({ id: `${prefix}-time`, text: `Enter the ${what} time, for example 13:00` });
  else if (!clock) problems.push({ id: `${prefix}-time`, text: `The ${what} time must be on the 24-hour clock, for example 13:00` });
  if (problems.some((p) => p.id.startsWith(prefix))) return null;
  const pad = (v) => String(v).padStart(2, "0");
  return `${year}-${pad(month)}-${pad(day)}T${pad(clock[1])}:${clock[2]}`;
}

function realDate(year, month, day) {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

async function declare(event) {
  event.preventDefault();
  const problems = [];
  const startsAt = readWhen("starts", "start", problems);
  const endsAt = readWhen("ends", "end", problems);
  const reason = form.elements.reason.value.trim();
  if (!reason) problems.push({ id: "reason", text: "Say why, for example Team training" });
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
    clearProblems();
    form.reset();
    await loadClosures();
    done(`${made.kind === "closure" ? "Closure" : "Opening"} declared. ${made.words}`);
  } catch (error) {
    showProblems(problemsOf(error));
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
    clearProblems();
  } catch (error) {
    showProblems(problemsOf(error));
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
    cell(h("strong", { class: `govuk-tag govuk-tag--${running ? "green" : "blue"}` }, running ? "Running now" : "To come")),
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
