// What the rota pages share: London dates and times, workers, labelled errors, banners,
// and hiding the editing controls from readers who are not coordinators.
import { ApiError, api, h, hasRole, me } from "/static/js/api.js";
import { readDate, readWhen } from "/static/js/govuk_dates.js";
import { showErrors } from "/static/js/govuk.js";
import { govukWordTag } from "/static/js/words.js";

export {
  LONDON, addDays, formatClock, formatDay, formatRange, formatWhen, londonDate, londonToday, toLocalInput,
} from "/static/js/london.js";
export { loadFailed } from "/static/js/api.js";
export { clearErrors, govukTag } from "/static/js/govuk.js";
export { readDate, readTime, readWhen, setDate, setWhen, whenFields } from "/static/js/govuk_dates.js";

// 630 -> "10 hours 30 minutes"
export function formatMinutes(minutes) {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  const parts = [];
  if (hours) parts.push(`${hours} hour${hours === 1 ? "" : "s"}`);
  if (rest || !hours) parts.push(`${rest} minute${rest === 1 ? "" : "s"}`);
  return parts.join(" ");
}

export function formatHours(hours) {
  const rounded = Math.round(hours * 100) / 100;
  return `${rounded} hour${rounded === 1 ? "" : "s"}`;
}

// ---- words for the rota's values --------------------------------------------------------

export const LINE_NAMES = { professional: "Professionals", public: "Public" };

export function roleTag(role) {
  return govukWordTag("on_call_role", role);
}

// A gap says what it is in words; the colour and the stripes only add to them.
export function gapTag(role) {
  return h("strong", { class: "govuk-tag govuk-tag--red rota-gap-tag" }, `GAP: no ${role}`);
}

export function lineNames(keys) {
  return keys.map((key) => LINE_NAMES[key] || key).join(" and ");
}

// ---- workers ----------------------------------------------------------------------------

let workersPromise = null;
export function rotaWorkers() {
  if (!workersPromise) workersPromise = api.get("/api/rota/workers");
  return workersPromise;
}

// "Ann Able, 07700 900311": who, and how to reach them (UK national format, never E.164).
export function workerWithPhone(worker, workers) {
  const found = (workers || []).find((w) => w.id === worker.id);
  return found && found.phone_valid ? `${worker.name}, ${found.phone_words}` : worker.name;
}

// The same for a table cell: the name, and the phone below it on one line.
export function workerCell(worker, workers) {
  const found = (workers || []).find((w) => w.id === worker.id);
  if (!found || !found.phone_valid) return worker.name;
  return [worker.name, h("br"), h("span", { class: "rota-phone" }, found.phone_words)];
}

export function workerLabel(worker) {
  const notes = [];
  if (!worker.active) notes.push("inactive");
  if (!worker.phone_valid) notes.push("no valid phone");
  return notes.length ? `${worker.name} (${notes.join(", ")})` : worker.name;
}

export function fillWorkerSelect(select, workers) {
  const keep = select.value;
  for (const option of [...select.options]) if (option.value) option.remove();
  for (const worker of workers) select.append(h("option", { value: worker.id }, workerLabel(worker)));
  select.value = keep;
}

// ---- errors -----------------------------------------------------------------------------

// API loc ["body", "starts_at"] -> the field "<prefix>-starts_at".
export function fieldIdFor(prefix) {
  return (loc) => {
    const names = (loc || []).filter((part) => typeof part === "string" && !["body", "query", "path"].includes(part));
    return names.length ? `${prefix}-${names[names.length - 1]}` : "";
  };
}

// The words a person sees for a field: its label, or the legend of its fieldset (radios,
// a date input).
function fieldLabel(id) {
  const field = id && document.getElementById(id);
  if (!field) return "";
  if (field.type === "radio" || field.type === "checkbox" || field.classList.contains("govuk-date-input")) {
    const legend = field.closest("fieldset")?.querySelector("legend");
    if (legend) return legend.textContent.trim();
  }
  const label = document.querySelector(`label[for="${CSS.escape(id)}"]`);
  return label ? label.textContent.replace(/\s*\(optional\)\s*$/, "").trim() : "";
}

// Show an API error (or a list of {loc, msg, part?}) in a GOV.UK error summary, each message
// naming its field: "End: the end must be after the start".
export function showFieldErrors(errors, prefix, form) {
  const idFor = fieldIdFor(prefix);
  let list = errors instanceof ApiError ? errors.details : errors;
  if (!(errors instanceof ApiError) && !Array.isArray(errors)) list = [{ loc: [], msg: String(errors?.message || errors) }];
  if (errors instanceof ApiError && !list.length) list = [{ loc: [], msg: errors.message }];
  const named = list.map((error) => {
    const label = fieldLabel(idFor(error.loc));
    const msg = String(error.msg || "").replace(/^Value error, /, "");
    return { ...error, msg: label ? `${label}: ${msg}` : msg };
  });
  return showErrors(named, { form, fieldIdFor: idFor });
}

// Read the date inputs `fields` ({apiName: {name, missing, time, optional}}) whose ids start
// with `prefix`: [values, errors], the values as the API takes them, the errors in words for
// showFieldErrors, each with the part of the date input to mark.
export function readDates(prefix, fields) {
  const values = {};
  const errors = [];
  for (const [key, { name, missing, time = true, optional = false }] of Object.entries(fields)) {
    const id = `${prefix}-${key}`;
    const read = time ? readWhen(id, { name, missing }) : readDate(id, { label: `The ${name} date`, realDate: "Enter a real date" });
    if (read.empty && optional) continue;
    if (read.empty) errors.push({ loc: [key], msg: missing || `Enter the ${name} date`, part: "day" });
    else if (read.error) errors.push({ loc: [key], msg: read.error, part: read.part });
    else values[key] = read.value;
  }
  return [values, errors];
}

// ---- banners and roles ------------------------------------------------------------------

export function showBanner(text, { title = "Done", focus = true } = {}) {
  const banner = document.getElementById("rota-banner");
  if (!banner) return;
  banner.querySelector(".govuk-notification-banner__title, .banner__title").textContent = title;
  document.getElementById("rota-banner-text").textContent = text;
  banner.hidden = false;
  if (focus) banner.focus();
}

export function hideBanner() {
  const banner = document.getElementById("rota-banner");
  if (banner) banner.hidden = true;
}

// Coordinators change the rota; others (managers) only read it.
export async function coordinatorOrReader() {
  let user;
  try {
    user = await me();
  } catch {
    return false;
  }
  const coordinator = hasRole(user, "coordinator");
  if (!coordinator) {
    for (const element of document.querySelectorAll("[data-coordinator-only]")) element.hidden = true;
    const note = document.getElementById("rota-readonly");
    if (note) note.hidden = false;
  }
  return coordinator;
}

// ---- GOV.UK Frontend pieces -------------------------------------------------------------

// A GOV.UK table: `heads` name the columns; `rows` come from tableRow.
export function govukTable({ id, caption, heads, rows, captionVisible = false }) {
  const captionClass = `govuk-table__caption govuk-table__caption--m${captionVisible ? "" : " govuk-visually-hidden"}`;
  return h("table", { class: "govuk-table rota-table", id },
    h("caption", { class: captionClass }, caption),
    h("thead", { class: "govuk-table__head" }, h("tr", { class: "govuk-table__row" },
      heads.map((text) => h("th", { scope: "col", class: "govuk-table__header" }, text)))),
    h("tbody", { class: "govuk-table__body" }, rows));
}

// A row of cells: each one content, or a <td> already made (for actions filled in later).
export function tableRow(attributes, cells) {
  return h("tr", { class: "govuk-table__row", ...attributes }, cells.map((content) => (
    content instanceof HTMLTableCellElement ? content : h("td", { class: "govuk-table__cell" }, content))));
}

export function tableCell() {
  return h("td", { class: "govuk-table__cell" });
}

// An action that looks like a link (a row's "Change", "Delete"); `hidden` completes its name
// for screen readers ("Change shift 4").
export function linkButton(text, hidden, onclick, attributes = {}) {
  return h("button", { type: "button", class: "govuk-link link-button", onclick, ...attributes },
    text, hidden ? h("span", { class: "govuk-visually-hidden" }, hidden) : null);
}
