// GOV.UK Frontend's error summary and error messages, shown by a page's script: a summary
// at the top of <main> linking to each field, the message above the field, the field marked.
// Errors are [{loc, msg, part?}]; `fieldIdFor(loc)` names the field's id. A GOV.UK date input
// (templates/rota/_fields.html) is one field: its link goes to the part in error (`part`:
// "day", "month", "year" or "time"), or else to its first box.

const SUMMARY_ID = "error-summary";

function cleanMessage(message) {
  const text = String(message || "").replace(/^Value error, /, "");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// The element the summary links to, and the inputs to mark as wrong.
function targetOf(element, part) {
  if (!element.classList.contains("govuk-date-input")) return { focus: element, marked: [element] };
  const inputs = [...element.querySelectorAll("input")];
  const chosen = part && document.getElementById(`${element.id}-${part}`);
  return { focus: chosen || inputs[0], marked: chosen ? [chosen] : inputs };
}

function describe(element, errorId) {
  const ids = (element.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
  if (!ids.includes(errorId)) ids.push(errorId);
  element.setAttribute("aria-describedby", ids.join(" "));
}

function markField(element, marked, message) {
  const errorId = `${element.id}-error`;
  if (document.getElementById(errorId)) return; // one message per field
  element.closest(".govuk-form-group")?.classList.add("govuk-form-group--error");
  const p = document.createElement("p");
  p.className = "govuk-error-message";
  p.id = errorId;
  p.dataset.errorFor = element.id;
  const hidden = document.createElement("span");
  hidden.className = "govuk-visually-hidden";
  hidden.textContent = "Error:";
  p.append(hidden, ` ${message}`);
  const isDate = element.classList.contains("govuk-date-input");
  const anchor = isDate ? element : element.closest(".govuk-radios, .govuk-checkboxes") || element;
  anchor.before(p);
  describe(isDate ? element.closest("fieldset") || element : element, errorId);
  for (const input of marked) {
    const kind = input.tagName === "SELECT" ? "select" : input.tagName === "TEXTAREA" ? "textarea" : "input";
    if (input.type !== "radio" && input.type !== "checkbox") input.classList.add(`govuk-${kind}--error`);
    input.setAttribute("aria-invalid", "true");
  }
}

export function clearErrors(root = document) {
  document.getElementById(SUMMARY_ID)?.remove();
  for (const p of root.querySelectorAll(".govuk-error-message[data-error-for]")) {
    for (const described of document.querySelectorAll(`[aria-describedby~="${CSS.escape(p.id)}"]`)) {
      const rest = described.getAttribute("aria-describedby").split(" ").filter((id) => id && id !== p.id);
      if (rest.length) described.setAttribute("aria-describedby", rest.join(" "));
      else described.removeAttribute("aria-describedby");
    }
    p.remove();
  }
  for (const input of root.querySelectorAll("[aria-invalid=true]")) {
    input.removeAttribute("aria-invalid");
    input.classList.remove("govuk-input--error", "govuk-select--error", "govuk-textarea--error");
  }
  for (const group of root.querySelectorAll(".govuk-form-group--error")) group.classList.remove("govuk-form-group--error");
}

function summaryItem(error, root, fieldIdFor) {
  const li = document.createElement("li");
  const message = cleanMessage(error.msg);
  const id = fieldIdFor(error.loc || []);
  const element = id ? root.querySelector(`#${CSS.escape(id)}`) || document.getElementById(id) : null;
  if (!element) {
    li.textContent = message;
    return li;
  }
  const { focus, marked } = targetOf(element, error.part);
  const a = document.createElement("a");
  a.href = `#${focus.id}`;
  a.textContent = message;
  a.addEventListener("click", (event) => {
    event.preventDefault();
    focus.focus();
    (focus.closest("fieldset") || focus).scrollIntoView({ block: "start" });
  });
  li.append(a);
  markField(element, marked, message);
  return li;
}

// Show [{loc, msg, part?}] in a GOV.UK error summary, which takes focus so it is announced.
export function showErrors(errors, { container, form, fieldIdFor = () => "", title } = {}) {
  const root = form || document;
  clearErrors(root);
  const summary = document.createElement("div");
  summary.className = "govuk-error-summary";
  summary.id = SUMMARY_ID;
  summary.setAttribute("role", "alert");
  summary.setAttribute("aria-labelledby", "error-summary-title");
  summary.tabIndex = -1;
  const heading = document.createElement("h2");
  heading.className = "govuk-error-summary__title";
  heading.id = "error-summary-title";
  heading.textContent = title || "There is a problem";
  const body = document.createElement("div");
  body.className = "govuk-error-summary__body";
  const list = document.createElement("ul");
  list.className = "govuk-list govuk-error-summary__list";
  const items = errors.length ? errors : [{ loc: [], msg: "Something went wrong." }];
  for (const error of items) list.append(summaryItem(error, root, fieldIdFor));
  body.append(list);
  summary.append(heading, body);
  (container || document.querySelector("main")).prepend(summary);
  summary.focus();
  return summary;
}
