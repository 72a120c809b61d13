// A Jalali calendar for one Streamlit text box (see ui/jalali_picker.py).
// data: target (the box's widget key), today [y, m, d], months [[y, m, firstISO, days]],
// names (the twelve month names). A picked day is written into the box as typed text.

const FA = "۰۱۲۳۴۵۶۷۸۹";
const WEEK = ["ش", "ی", "د", "س", "چ", "پ", "ج"]; // Saturday first
const fa = (n) => String(n).replace(/[0-9]/g, (d) => FA[+d]);
const ascii = (s) =>
  String(s)
    .replace(/[۰-۹]/g, (d) => String(FA.indexOf(d)))
    .replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x0660));
const pad = (n) => (n < 10 ? "0" + n : String(n));
const text = (y, m, d) => fa(`${y}/${pad(m)}/${pad(d)}`);

function parse(value) {
  const m = ascii(value || "").match(/^\s*(\d{4})\s*[\/\-.]\s*(\d{1,2})\s*[\/\-.]\s*(\d{1,2})\s*$/);
  return m ? [+m[1], +m[2], +m[3]] : null;
}

function typeInto(input, value) {
  // As if typed: React keeps the box's value, so set it through the native setter.
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set;
  input.focus();
  setter.call(input, value);
  input.dispatchEvent(new Event("input", { bubbles: true }));
  input.blur(); // Streamlit takes a text box's value when it loses focus
}

function attach(box, data) {
  const boxInput = () => box.querySelector("input");
  const index = new Map(data.months.map((row, i) => [row[0] * 100 + row[1], i]));
  const state = { at: 0, open: false };
  const button = document.createElement("button");
  button.type = "button";
  button.className = "jcal-button";
  button.setAttribute("aria-label", "تقویم");
  button.setAttribute("aria-haspopup", "dialog");
  button.innerHTML =
    '<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" fill="none"' +
    ' stroke="currentColor" stroke-width="1.8"><rect x="3" y="5" width="18" height="16" rx="2"/>' +
    '<path d="M3 10h18M8 3v4M16 3v4"/></svg>';
  const pop = document.createElement("div");
  pop.className = "jcal-pop";
  pop.setAttribute("role", "dialog");
  pop.setAttribute("aria-label", "گاه‌شمار");
  pop.dir = "rtl";
  pop.hidden = true;

  function show(i) {
    state.at = Math.max(0, Math.min(data.months.length - 1, i));
    const [y, m, first, days] = data.months[state.at];
    const picked = parse(boxInput().value);
    const lead = (new Date(first + "T00:00:00Z").getUTCDay() + 1) % 7; // Saturday = 0
    const cells = [];
    for (let k = 0; k < lead; k++) cells.push('<span class="jcal-empty"></span>');
    for (let d = 1; d <= days; d++) {
      const isToday = y === data.today[0] && m === data.today[1] && d === data.today[2];
      const isPicked = picked && picked[0] === y && picked[1] === m && picked[2] === d;
      const cls = ["jcal-day", isToday ? "jcal-today" : "", isPicked ? "jcal-picked" : ""].join(" ");
      cells.push(
        `<button type="button" class="${cls}" data-day="${d}"` +
          ` aria-label="${fa(d)} ${data.names[m - 1]} ${fa(y)}">${fa(d)}</button>`
      );
    }
    pop.innerHTML =
      '<div class="jcal-head">' +
      `<button type="button" class="jcal-prev" aria-label="ماه پیش"${state.at === 0 ? " disabled" : ""}>›</button>` +
      `<span class="jcal-title">${data.names[m - 1]} ${fa(y)}</span>` +
      `<button type="button" class="jcal-next" aria-label="ماه بعد"${state.at === data.months.length - 1 ? " disabled" : ""}>‹</button>` +
      "</div>" +
      `<div class="jcal-week">${WEEK.map((w) => `<span>${w}</span>`).join("")}</div>` +
      `<div class="jcal-grid">${cells.join("")}</div>` +
      '<div class="jcal-foot"><button type="button" class="jcal-go-today">امروز</button></div>';
  }

  function openAt() {
    const picked = parse(boxInput().value);
    const key = picked ? picked[0] * 100 + picked[1] : data.today[0] * 100 + data.today[1];
    show(index.has(key) ? index.get(key) : index.get(data.today[0] * 100 + data.today[1]) || 0);
    pop.hidden = false;
    state.open = true;
  }

  function close() {
    pop.hidden = true;
    state.open = false;
  }

  button.addEventListener("click", (e) => {
    e.preventDefault();
    state.open ? close() : openAt();
  });
  pop.addEventListener("click", (e) => {
    const t = e.target.closest("button");
    if (!t) return;
    e.preventDefault();
    if (t.classList.contains("jcal-prev")) show(state.at - 1);
    else if (t.classList.contains("jcal-next")) show(state.at + 1);
    else if (t.classList.contains("jcal-go-today")) {
      typeInto(boxInput(), text(...data.today));
      close();
    } else if (t.dataset.day) {
      const [y, m] = data.months[state.at];
      typeInto(boxInput(), text(y, m, +t.dataset.day));
      close();
    }
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && state.open) close();
  });
  document.addEventListener("mousedown", (e) => {
    if (state.open && !box.contains(e.target)) close();
  });
  box.classList.add("jcal-host");
  box.appendChild(button);
  box.appendChild(pop);
  box.jcal = true;
}

export default function (component) {
  const { data } = component;
  if (!data || !data.target) return;
  const find = () => {
    const box = document.querySelector(`.st-key-${CSS.escape(data.target)}`);
    const input = box && box.querySelector("input");
    if (!box || !input) return false;
    if (!box.jcal) attach(box, data);
    return true;
  };
  if (find()) return;
  // The box may be drawn just after this component: wait for it, briefly.
  const seen = new MutationObserver(() => {
    if (find()) seen.disconnect();
  });
  seen.observe(document.body, { childList: true, subtree: true });
  setTimeout(() => seen.disconnect(), 10000);
}
