// GOV.UK date inputs (day, month, year) and times typed as HH:MM, read into the ISO text the
// JSON API takes ("2026-03-28", "2026-03-28T22:00" in London time) and filled from it.
// A date input with id "x" has fields "x-day", "x-month", "x-year" and, with a time, "x-time"
// (templates/rota/_fields.html). A read gives {value} or {empty: true} or {error, part}: the
// error in words and the part to mark, for an error summary (govuk.js's showErrors).
import { h } from "/static/js/api.js";

const PARTS = ["day", "month", "year"];

function field(id, part) {
  return document.getElementById(`${id}-${part}`);
}

function pad(number) {
  return String(number).padStart(2, "0");
}

// The boxes of the date input `id`: "<id>-day", "<id>-month", "<id>-year"; on the record
// page the day box carries the field's own id (`dayIsId`) and the date input is "<id>-date".
function boxesOf(id, dayIsId) {
  return { day: document.getElementById(dayIsId ? id : `${id}-day`), month: field(id, "month"), year: field(id, "year") };
}

// A date input's date: {value: "2026-03-28"}, {empty: true} or {error, part} in GOV.UK's
// words ("Date of birth must include a month and year"), `label` naming the date.
// `realDate` words a date that does not exist, when the page says it differently.
export function readDate(id, { label = "The date", dayIsId = false, realDate = `${label} must be a real date` } = {}) {
  const boxes = boxesOf(id, dayIsId);
  const raw = Object.fromEntries(PARTS.map((part) => [part, (boxes[part]?.value || "").trim()]));
  const missing = PARTS.filter((part) => !raw[part]);
  if (missing.length === PARTS.length) return { empty: true };
  if (missing.length) {
    const said = missing.length === 1 ? missing[0] : `${missing.slice(0, -1).join(", ")} and ${missing.at(-1)}`;
    return { error: `${label} must include a ${said}`, part: missing[0] };
  }
  const notNumber = PARTS.find((part) => !/^\d+$/.test(raw[part]));
  if (notNumber) return { error: `${label} must be a real date, in numbers`, part: notNumber };
  if (raw.year.length !== 4) return { error: "Year must include 4 numbers", part: "year" };
  const [day, month, year] = PARTS.map((part) => Number(raw[part]));
  const date = new Date(Date.UTC(year, month - 1, day));
  if (month < 1 || month > 12) return { error: realDate, part: "month" };
  if (date.getUTCDate() !== day || date.getUTCMonth() !== month - 1) return { error: realDate, part: "day" };
  return { value: `${year}-${pad(month)}-${pad(day)}` };
}

// "22:00", "9:30", "9.30" or "0930" -> {value: "22:00"}.
export function readTime(id, { name = "" } = {}) {
  const text = (document.getElementById(id)?.value || "").trim();
  if (!text) return { empty: true };
  const match = /^(\d{1,2})[:.]?(\d{2})$/.exec(text);
  const hours = match ? Number(match[1]) : NaN;
  const minutes = match ? Number(match[2]) : NaN;
  if (!match || hours > 23 || minutes > 59) return { error: timeWords(name) };
  return { value: `${pad(hours)}:${pad(minutes)}` };
}

function timeWords(name) {
  return `Enter the ${name ? `${name} ` : ""}time as HH:MM, like 17:00`;
}

// A date input with its time, as "2026-03-28T22:00". `name` ("start") words the errors;
// `missing` is said when nothing at all was entered.
export function readWhen(id, { name, missing }) {
  const date = readDate(id, { label: `The ${name} date`, realDate: "Enter a real date" });
  const time = readTime(`${id}-time`, { name });
  if (date.empty && time.empty) return { error: missing || `Enter the ${name} date and time`, part: "day" };
  if (date.empty) return { error: `Enter the ${name} date`, part: "day" };
  if (date.error) return date;
  if (time.empty || time.error) return { error: timeWords(name), part: "time" };
  return { value: `${date.value}T${time.value}` };
}

// Fill a date input from "2026-03-28" (or the date part of "2026-03-28T22:00").
export function setDate(id, iso) {
  const [year, month, day] = (iso || "").slice(0, 10).split("-");
  const values = iso ? { day: String(Number(day)), month: String(Number(month)), year } : {};
  for (const part of PARTS) {
    const input = field(id, part);
    if (input) input.value = values[part] || "";
  }
}

// Fill a date input and its time from "2026-03-28T22:00" (London time), or empty them.
export function setWhen(id, local) {
  setDate(id, local);
  const time = field(id, "time");
  if (time) time.value = local ? local.slice(11, 16) : "";
}

// The date input's fields, for disabling the start of a shift that has begun.
export function whenFields(id) {
  return [...PARTS, "time"].map((part) => field(id, part)).filter(Boolean);
}

// A GOV.UK date input made by a script (for forms drawn per row or per field), as the
// date-input macro makes it: a fieldset `legend` round day, month and year boxes, filled
// from `iso` ("2026-03-28"). Its boxes are "<id>-day"..., or with `dayIsId` as readDate says.
export function dateInputElement(id, legend, { hint = "", iso = "", dayIsId = false, legendClass = "govuk-fieldset__legend--s" } = {}) {
  const [year, month, day] = (iso || "").slice(0, 10).split("-");
  const values = iso ? { day: String(Number(day)), month: String(Number(month)), year } : {};
  const widths = { day: 2, month: 2, year: 4 };
  const hintId = `${id}-hint`;
  const items = PARTS.map((part) => {
    const boxId = part === "day" && dayIsId ? id : `${id}-${part}`;
    const input = h("input", {
      class: `govuk-input govuk-date-input__input govuk-input--width-${widths[part]}`,
      id: boxId, name: boxId, type: "text", inputmode: "numeric", autocomplete: "off",
    });
    input.value = values[part] || "";
    return h("div", { class: "govuk-date-input__item" },
      h("div", { class: "govuk-form-group" },
        h("label", { class: "govuk-label govuk-date-input__label", for: boxId }, part[0].toUpperCase() + part.slice(1)),
        input));
  });
  return h("div", { class: "govuk-form-group" },
    h("fieldset", { class: "govuk-fieldset", role: "group", "aria-describedby": hintId },
      h("legend", { class: `govuk-fieldset__legend ${legendClass}` }, legend),
      h("div", { class: "govuk-hint", id: hintId }, hint || "For example, 27 3 2026."),
      h("div", { class: "govuk-date-input", id: dayIsId ? `${id}-date` : id }, items)));
}
