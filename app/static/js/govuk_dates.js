// GOV.UK date inputs (day, month, year) and times typed as HH:MM, read into the ISO text the
// JSON API takes ("2026-03-28", "2026-03-28T22:00" in London time) and filled from it.
// A date input with id "x" has fields "x-day", "x-month", "x-year" and, with a time, "x-time"
// (templates/rota/_fields.html). A read gives {value} or {empty: true} or {error, part}: the
// error in words and the part to mark, for an error summary (govuk_errors.js).

const PARTS = ["day", "month", "year"];

function field(id, part) {
  return document.getElementById(`${id}-${part}`);
}

function pad(number) {
  return String(number).padStart(2, "0");
}

export function readDate(id, { name = "date" } = {}) {
  const raw = Object.fromEntries(PARTS.map((part) => [part, (field(id, part)?.value || "").trim()]));
  const missing = PARTS.filter((part) => !raw[part]);
  if (missing.length === PARTS.length) return { empty: true };
  if (missing.length) return { error: `The ${name} must include a ${missing.join(" and a ")}`, part: missing[0] };
  const notNumber = PARTS.find((part) => !/^\d+$/.test(raw[part]));
  if (notNumber) return { error: "Enter a real date, in numbers, like 27 3 2026", part: notNumber };
  if (raw.year.length !== 4) return { error: "Enter the year as 4 numbers, like 2026", part: "year" };
  const [day, month, year] = PARTS.map((part) => Number(raw[part]));
  const date = new Date(Date.UTC(year, month - 1, day));
  if (month < 1 || month > 12) return { error: "Enter a real date: the month must be from 1 to 12", part: "month" };
  if (date.getUTCDate() !== day || date.getUTCMonth() !== month - 1) return { error: "Enter a real date", part: "day" };
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
  const date = readDate(id, { name: `${name} date` });
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

// A GOV.UK date input made by a script (for forms drawn per row), as the date-input macro
// makes it: a fieldset `legend` round day, month and year boxes, filled from `iso`.
export function dateInputElement(id, legend, { hint = "", iso = "" } = {}) {
  const make = (tag, attributes, ...children) => {
    const element = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
    element.append(...children);
    return element;
  };
  const widths = { day: 2, month: 2, year: 4 };
  const items = PARTS.map((part) => make("div", { class: "govuk-date-input__item" },
    make("div", { class: "govuk-form-group" },
      make("label", { class: "govuk-label govuk-date-input__label", for: `${id}-${part}` }, part[0].toUpperCase() + part.slice(1)),
      make("input", {
        class: `govuk-input govuk-date-input__input govuk-input--width-${widths[part]}`,
        id: `${id}-${part}`, name: `${id}-${part}`, type: "text", inputmode: "numeric",
      }))));
  const hintId = `${id}-hint`;
  const fieldset = make("fieldset", { class: "govuk-fieldset", role: "group", "aria-describedby": hintId },
    make("legend", { class: "govuk-fieldset__legend govuk-fieldset__legend--s" }, legend),
    make("div", { class: "govuk-hint", id: hintId }, hint || "For example, 27 3 2026."),
    make("div", { class: "govuk-date-input", id }, ...items));
  const group = make("div", { class: "govuk-form-group" }, fieldset);
  const [year, month, day] = (iso || "").split("-");
  if (iso) {
    group.querySelector(`#${CSS.escape(id)}-day`).value = String(Number(day));
    group.querySelector(`#${CSS.escape(id)}-month`).value = String(Number(month));
    group.querySelector(`#${CSS.escape(id)}-year`).value = year;
  }
  return group;
}
