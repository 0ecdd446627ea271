// What the workers pages share: the lines as checkboxes, a worker's status as a tag, and
// the words for a phone number the API refused.
import { ApiError, api, h } from "/static/js/api.js";
import { govukTag } from "/static/js/govuk.js";

export function statusTag(active) {
  return active ? govukTag("Active", "green") : govukTag("Deactivated", "grey");
}

export function linesInWords(lines) {
  return lines.length ? lines.map((line) => line.name).join(", ") : "None: on call only";
}

// The lines (admins and coordinators may read them), as GOV.UK checkboxes in `container`.
// The first checkbox has the id "lines", so an error can link to the set.
export async function lineCheckboxes(container, checkedKeys = []) {
  const lines = await api.get("/api/lines");
  container.replaceChildren(...lines.map((line, index) => {
    const id = index === 0 ? "lines" : `lines-${line.key}`;
    return h("div", { class: "govuk-checkboxes__item" },
      h("input", { class: "govuk-checkboxes__input", type: "checkbox", id, name: "lines", value: line.key, checked: checkedKeys.includes(line.key) }),
      h("label", { class: "govuk-label govuk-checkboxes__label", for: id }, line.name));
  }));
  return lines;
}

export function checkedLines(form) {
  return [...form.querySelectorAll("input[name=lines]:checked")].map((input) => input.value);
}

// The API never repeats a number it refused (its messages may reach logs): the page does,
// from what was typed, so the person sees which number was wrong.
export function phoneWords(typed) {
  return (message) => /not a valid phone number/i.test(message)
    ? `“${typed}” is not a valid UK phone number. Enter a mobile or landline, like 07700 900123`
    : message.charAt(0).toUpperCase() + message.slice(1);
}

export function loaded() {
  document.body.dataset.workersLoaded = String(Number(document.body.dataset.workersLoaded || 0) + 1);
}

// An error's field on these pages: the last name in its loc (the forms' ids are the API's names).
export function fieldNamed(loc) {
  return String((loc || []).filter((part) => typeof part === "string" && part !== "body").pop() ?? "");
}

// The API's refusal for showErrors, each 422 detail in `wordsFor[field](msg)` when the page
// says it better (a refused phone number, repeated from what was typed).
export function refusal(error, wordsFor = {}) {
  if (!(error instanceof ApiError) || error.status !== 422 || !error.details.length) return error;
  return error.details.map((detail) => {
    const words = wordsFor[fieldNamed(detail.loc)];
    return words ? { ...detail, msg: words(detail.msg) } : detail;
  });
}
