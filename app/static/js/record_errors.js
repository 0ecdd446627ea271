// Problems in words, the GOV.UK Frontend way, for the record pages and the callback tasks:
// an error summary linking to each field, and each field's message above it
// (radios, checkboxes and date inputs: above the whole set). A GOV.UK date input's day box
// carries the field's id; its month and year boxes are "<id>-month" and "<id>-year".
import { ApiError, defaultFieldId, h } from "/static/js/api.js";

const SUMMARY_ID = "error-summary";

// Pydantic says "Value error, must not be in the future": the reader needs only the reason.
function cleanMessage(message) {
  const text = String(message || "").replace(/^Value error, /, "");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// The boxes an error marks: the field, or a date input's three.
function boxesOf(field) {
  const date = field.closest(".govuk-date-input");
  return date ? [...date.querySelectorAll("input")] : [field];
}

function markField(field, message) {
  field.closest(".govuk-form-group")?.classList.add("govuk-form-group--error");
  for (const box of boxesOf(field)) {
    const kind = box.tagName === "SELECT" ? "select" : box.tagName === "TEXTAREA" ? "textarea" : "input";
    if (!["radio", "checkbox"].includes(box.type)) box.classList.add(`govuk-${kind}--error`);
  }
  field.setAttribute("aria-invalid", "true");
  const p = h("p", { class: "govuk-error-message", id: `${field.id}-error`, dataset: { errorFor: field.id } },
    h("span", { class: "govuk-visually-hidden" }, "Error:"), " ", message);
  const anchor = field.closest(".govuk-radios, .govuk-checkboxes, .govuk-date-input") || field;
  anchor.before(p);
  const described = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
  if (!described.includes(p.id)) described.push(p.id);
  field.setAttribute("aria-describedby", described.join(" "));
}

export function clearErrors(root = document) {
  document.getElementById(SUMMARY_ID)?.remove();
  for (const p of root.querySelectorAll(".govuk-error-message[data-error-for]")) {
    const field = document.getElementById(p.dataset.errorFor);
    if (field) {
      field.removeAttribute("aria-invalid");
      for (const box of boxesOf(field)) box.classList.remove("govuk-input--error", "govuk-select--error", "govuk-textarea--error");
      const rest = (field.getAttribute("aria-describedby") || "").split(" ").filter((id) => id && id !== p.id);
      if (rest.length) field.setAttribute("aria-describedby", rest.join(" "));
      else field.removeAttribute("aria-describedby");
    }
    p.remove();
  }
  for (const group of root.querySelectorAll(".govuk-form-group--error")) group.classList.remove("govuk-form-group--error");
}

// Show errors: [{loc, msg}] or an ApiError. The summary goes at the top of <main> (or into
// `container`) and takes focus, so screen readers announce it.
export function showErrors(errors, { container, form, fieldIdFor = defaultFieldId, title } = {}) {
  const list = errors instanceof ApiError ? errors.details : errors;
  const root = form || document;
  clearErrors(root);
  const items = list.length ? list : [{ loc: [], msg: errors.message || "Something went wrong." }];
  const seen = new Set();
  const lines = [];
  for (const error of items) {
    const message = cleanMessage(error.msg);
    const id = fieldIdFor(error.loc || []);
    const key = `${id}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const field = id ? root.querySelector(`#${CSS.escape(id)}`) || document.getElementById(id) : null;
    if (!field) {
      lines.push(h("li", {}, message));
      continue;
    }
    if (!document.getElementById(`${field.id}-error`)) markField(field, message);
    lines.push(h("li", {}, h("a", {
      href: `#${id}`,
      onclick: (event) => {
        event.preventDefault();
        field.focus();
        field.scrollIntoView({ block: "center" });
      },
    }, message)));
  }
  const summary = h("div", { class: "govuk-error-summary", id: SUMMARY_ID, tabindex: "-1" },
    h("div", { role: "alert" },
      h("h2", { class: "govuk-error-summary__title" }, title || "There is a problem"),
      h("div", { class: "govuk-error-summary__body" },
        h("ul", { class: "govuk-list govuk-error-summary__list" }, lines))));
  (container || document.querySelector("main")).prepend(summary);
  summary.focus();
  return summary;
}

// ---- GOV.UK date inputs -----------------------------------------------------------------

const PARTS = ["day", "month", "year"];

// A GOV.UK date input (day, month, year) for an ISO date or null. The day box's id is `id`.
export function dateInput(id, label, { hint, value, legendClass = "govuk-fieldset__legend--s" } = {}) {
  const [year, month, day] = value ? value.split("-") : ["", "", ""];
  const values = { day: day ? String(Number(day)) : "", month: month ? String(Number(month)) : "", year: year || "" };
  const hintId = `${id}-hint`;
  return h("div", { class: "govuk-form-group" },
    h("fieldset", { class: "govuk-fieldset", role: "group", "aria-describedby": hintId },
      h("legend", { class: `govuk-fieldset__legend ${legendClass}` }, label),
      h("div", { class: "govuk-hint", id: hintId }, hint || "For example, 27 3 2019"),
      h("div", { class: "govuk-date-input", id: `${id}-date`, dataset: { dateInput: id, label } },
        PARTS.map((part) => {
          const boxId = part === "day" ? id : `${id}-${part}`;
          const input = h("input", {
            class: `govuk-input govuk-date-input__input govuk-input--width-${part === "year" ? 4 : 2}`,
            id: boxId, name: boxId, type: "text", inputmode: "numeric", autocomplete: "off",
            maxlength: part === "year" ? 4 : 2,
          });
          input.value = values[part];
          return h("div", { class: "govuk-date-input__item" },
            h("div", { class: "govuk-form-group" },
              h("label", { class: "govuk-label govuk-date-input__label", for: boxId }, part.charAt(0).toUpperCase() + part.slice(1)),
              input));
        }))));
}

// The date a GOV.UK date input holds: {value: "YYYY-MM-DD" | null} or {problem: words}.
// `boxes` names the three boxes' ids when they are not `id`, "<id>-month", "<id>-year".
export function readDateInput(id, label, boxes = { day: id, month: `${id}-month`, year: `${id}-year` }) {
  const text = Object.fromEntries(PARTS.map((part) => {
    const box = document.getElementById(boxes[part]);
    return [part, box ? box.value.trim() : ""];
  }));
  const missing = PARTS.filter((part) => !text[part]);
  if (missing.length === 3) return { value: null };
  if (missing.length) {
    const said = missing.length === 1 ? missing[0] : `${missing.slice(0, -1).join(", ")} and ${missing.at(-1)}`;
    return { problem: `${label} must include a ${said}` };
  }
  if (!PARTS.every((part) => /^\d+$/.test(text[part]))) return { problem: `${label} must be a real date, in numbers` };
  if (text.year.length !== 4) return { problem: "Year must include 4 numbers" };
  const [day, month, year] = [Number(text.day), Number(text.month), Number(text.year)];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return { problem: `${label} must be a real date` };
  }
  return { value: `${text.year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}` };
}
