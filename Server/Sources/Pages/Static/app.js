// FestivalGate pages: everything here is a nicety on pages that work without it.
// The seat map (tap and keyboard), live availability, live dashboards and the print button.
"use strict";
document.documentElement.classList.add("js");

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? values[name] : whole));
}

// Polls `url` with its ETag: an unchanged answer is a 304 with no body and no work on the
// server. Waits longer when the tab is hidden, and spreads clients out with a random delay.
function poll(url, seconds, handle) {
  let etag = null;
  async function once() {
    try {
      const headers = etag ? { "If-None-Match": etag } : {};
      const response = await fetch(url, { headers, cache: "no-store", credentials: "same-origin" });
      if (response.status === 200) {
        etag = response.headers.get("ETag");
        handle(response);
      }
    } catch (error) { /* offline for a moment: try again next round */ }
    const wait = (document.hidden ? seconds * 6 : seconds) * (0.8 + Math.random() * 0.4);
    setTimeout(once, wait * 1000);
  }
  setTimeout(once, seconds * 1000 * Math.random());
}

function setUpSeatMap() {
  const event = document.getElementById("event");
  const map = document.getElementById("hall-map");
  if (!event) return;
  const [currency, digits] = (event.dataset.currency || "EUR:2").split(":");
  const money = new Intl.NumberFormat(event.dataset.lang || "en", { style: "currency", currency, maximumFractionDigits: Number(digits), minimumFractionDigits: Number(digits) });
  const prices = {};
  document.querySelectorAll("tr[data-class]").forEach((row) => { prices[row.dataset.class] = Number(row.dataset.price); });
  const limit = document.getElementById("limit");
  const room = limit ? Number(limit.dataset.room) : 100;
  const summary = document.getElementById("selection");
  const list = document.getElementById("seat-list");
  const seats = map ? Array.from(map.querySelectorAll("use[id^=m]")) : [];
  const boxOf = (seat) => document.getElementById("s" + seat.id.slice(1));
  const nameOf = {};
  document.querySelectorAll(".class-table tr[data-class] td:first-child").forEach((cell) => {
    nameOf[cell.parentElement.dataset.class] = cell.textContent.trim();
  });

  function chosen() { return list ? Array.from(list.querySelectorAll("input:checked")) : []; }

  function describe(note) {
    if (!summary) return;
    const boxes = chosen();
    if (boxes.length === 0) { summary.textContent = note || summary.dataset.none; return; }
    const total = boxes.reduce((sum, box) => sum + (prices[box.dataset.c] || 0), 0) / Math.pow(10, Number(digits));
    const text = fill(summary.dataset.some, {
      seats: boxes.map((box) => box.parentElement.textContent.trim()).join(", "), count: boxes.length, total: money.format(total),
    });
    summary.textContent = note ? note + " " + text : text;
  }

  function show(seat) {
    const box = boxOf(seat);
    const free = box && !box.disabled;
    seat.classList.toggle("sel", !!(box && box.checked));
    if (free) seat.setAttribute("data-free", ""); else seat.removeAttribute("data-free");
    // A chosen seat is drawn black with a tick: plain to see whatever the class's colour.
    seat.setAttribute("href", !free ? "#kx" : box.checked ? "#ks" : "#k" + seat.dataset.k);
    seat.setAttribute("aria-checked", box && box.checked ? "true" : "false");
    seat.setAttribute("aria-disabled", free ? "false" : "true");
  }

  function toggle(seat) {
    const box = boxOf(seat);
    if (!box || box.disabled) return;
    if (!box.checked && chosen().length >= room) { describe(fill(event.dataset.fullText, { room })); return; }
    box.checked = !box.checked;
    show(seat);
    describe();
  }

  seats.forEach((seat, index) => {
    const box = boxOf(seat);
    seat.dataset.k = box ? (box.parentElement.className.match(/k(\d+)/) || [0, 0])[1] : "0";
    seat.setAttribute("role", "checkbox");
    seat.setAttribute("tabindex", "-1");
    if (box) seat.setAttribute("aria-label", box.parentElement.textContent.trim() + ", " + (nameOf[box.dataset.c] || ""));
    show(seat);
    seat.addEventListener("click", () => { focus(seat); toggle(seat); });
  });
  const first = seats.find((seat) => seat.hasAttribute("data-free")) || seats[0];
  if (first) first.setAttribute("tabindex", "0");

  function focus(seat) {
    seats.forEach((other) => other.setAttribute("tabindex", "-1"));
    seat.setAttribute("tabindex", "0");
    seat.focus();
  }

  // Arrow keys move to the nearest seat that way; Space or Enter chooses.
  if (map) map.addEventListener("keydown", (key) => {
    const seat = key.target.closest ? key.target.closest("use") : null;
    if (!seat) return;
    if (key.key === " " || key.key === "Enter") { key.preventDefault(); toggle(seat); return; }
    const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    const move = moves[key.key];
    if (!move) return;
    key.preventDefault();
    const x = Number(seat.getAttribute("x")), y = Number(seat.getAttribute("y"));
    let best = null, bestScore = Infinity;
    for (const other of seats) {
      const dx = Number(other.getAttribute("x")) - x, dy = Number(other.getAttribute("y")) - y;
      const along = dx * move[0] + dy * move[1];
      if (along <= 0) continue;
      const across = Math.abs(dx * move[1]) + Math.abs(dy * move[0]);
      const score = along + across * 3;
      if (score < bestScore) { bestScore = score; best = other; }
    }
    if (best) focus(best);
  });

  if (list && map) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "link list-toggle";
    button.textContent = event.dataset.listText;
    button.addEventListener("click", () => list.classList.toggle("open"));
    list.parentElement.insertBefore(button, list);
    list.addEventListener("change", () => { seats.forEach(show); describe(); });
  }
  describe();

  // Live availability: taken seats grey out in place; a chosen seat someone else took is let go.
  poll(event.dataset.poll, 5, async (response) => {
    const state = await response.json();
    const taken = new Set(state.taken.map(String));
    const lost = [];
    seats.forEach((seat) => {
      const box = boxOf(seat);
      if (!box) return;
      const isTaken = taken.has(seat.id.slice(1));
      if (isTaken && box.checked) { box.checked = false; lost.push(box.parentElement.textContent.trim()); }
      box.disabled = isTaken;
      box.parentElement.classList.toggle("taken", isTaken);
      show(seat);
    });
    for (const [number, left] of Object.entries(state.left)) {
      document.querySelectorAll('[data-left="' + number + '"]').forEach((cell) => {
        cell.textContent = left === 0 ? event.dataset.soldOutText : fill(event.dataset.leftText, { left, total: cell.dataset.total });
        cell.classList.toggle("sold-out", left === 0);
      });
    }
    describe(lost.length ? lost.map((seat) => fill(event.dataset.takenText, { seat })).join(" ") : undefined);
  });
}

// A part of a page that redraws itself from the server (the live dashboard).
function setUpRefreshing() {
  document.querySelectorAll("[data-refresh]").forEach((part) => {
    poll(part.dataset.refresh, Number(part.dataset.seconds || 5), async (response) => {
      // Signed out meanwhile: the whole page, not a log-in form inside the dashboard.
      if (response.redirected) { location.reload(); return; }
      part.innerHTML = await response.text();
    });
  });
}

// A waitlist offer's time left, by the second. The page says when it was drawn by the server's
// clock (data-now), so a phone whose clock is off still counts the server's time. Once it runs
// out the buttons go: the offer has passed to the next in line.
function setUpCountdowns() {
  const drawnAt = Date.now() / 1000;
  document.querySelectorAll(".countdown[data-expires]").forEach((clock) => {
    const ends = Number(clock.dataset.expires) - Number(clock.dataset.now) + drawnAt;
    function tick() {
      const left = Math.max(0, Math.ceil(ends - Date.now() / 1000));
      if (left === 0) {
        clock.textContent = clock.dataset.over;
        clock.classList.add("over");
        clock.parentElement.querySelectorAll("form").forEach((form) => form.remove());
        return;
      }
      const seconds = left % 60;
      clock.textContent = fill(clock.dataset.text, { time: Math.floor(left / 60) + ":" + (seconds < 10 ? "0" : "") + seconds });
      setTimeout(tick, 1000 - (Date.now() % 1000));
    }
    tick();
  });
}

document.querySelectorAll("[data-print]").forEach((button) => button.addEventListener("click", () => window.print()));
setUpSeatMap();
setUpRefreshing();
setUpCountdowns();
