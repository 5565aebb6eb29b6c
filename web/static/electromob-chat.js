/*
 * Assistant Electro'Mob — chat widget for any web page, in one tag:
 *
 *   <script src="https://HOST/static/electromob-chat.js" defer></script>
 *
 * Optional attributes of that tag:
 *   data-endpoint      URL the messages are POSTed to (default: the script's origin + "/chat")
 *   data-mode          "site" (default: launcher button + panel) or "kiosque" (full screen,
 *                      always open, buttons only, reset after inactivity)
 *   data-idle-seconds  kiosk only: inactivity before the conversation is cleared (default 90)
 *   data-title         title of the panel (default "Assistant Electro'Mob")
 *
 * The stylesheet electromob-chat.css is loaded from the script's own folder. Every piece of
 * text from the user, the assistant or the server goes into the page through textContent:
 * never as HTML.
 */
(() => {
  "use strict";

  const script = document.currentScript || document.querySelector('script[src*="electromob-chat.js"]');
  if (!script) return;

  const DEFAULT_TITLE = "Assistant Electro'Mob";
  const ERROR_TEXT = "Désolé, l'assistant ne répond pas pour le moment. Réessayez dans un instant.";
  // The server's limit (bot/text.py), in characters (code points), never in UTF-16 units: an
  // emoji is never cut in half.
  const MAX_INPUT = 2000;
  const MAX_HISTORY = 100;
  const TIMEOUT_MS = 35000; // a little more than the relay's own 30 s, so its answer wins
  const SENDER_KEY = "emchat.sender";
  const HISTORY_KEY = "emchat.history";

  const scriptUrl = new URL(script.src, document.baseURI);
  const data = script.dataset;
  const kiosk = (data.mode || "").trim().toLowerCase() === "kiosque";
  const config = {
    mode: kiosk ? "kiosque" : "site",
    endpoint: resolveEndpoint(data.endpoint),
    title: (data.title || "").trim() || DEFAULT_TITLE,
    idleSeconds: positiveNumber(data.idleSeconds, 90),
  };

  function resolveEndpoint(value) {
    try {
      if (value && value.trim()) return new URL(value.trim(), document.baseURI).href;
    } catch (_) { /* falls back to the default */ }
    return new URL("/chat", scriptUrl).href;
  }

  // The month names and teaching modes written on the cards come from the server
  // (GET <endpoint>/libelles, from data/textes.yml); without them dates stay as written.
  const labels = { mois: [], modalites: {} };
  const labelsReady = fetch(`${config.endpoint}/libelles`, { credentials: "omit" })
    .then((response) => (response.ok ? response.json() : null))
    .then((answer) => {
      if (isObject(answer) && Array.isArray(answer.mois) && answer.mois.length === 12) labels.mois = answer.mois.map(str);
      if (isObject(answer) && isObject(answer.modalites)) {
        for (const [code, label] of Object.entries(answer.modalites)) labels.modalites[code] = str(label);
      }
    })
    .catch(() => { /* the cards keep ISO dates and no teaching-mode badge */ });

  function positiveNumber(value, fallback) {
    const number = Number(value);
    return Number.isFinite(number) && number > 0 ? number : fallback;
  }

  // ---------------------------------------------------------------- small helpers

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function srOnly(text) {
    return el("span", "emchat-sr", text);
  }

  function isObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  function str(value) {
    if (typeof value === "string") return value.trim();
    if (typeof value === "number" && Number.isFinite(value)) return String(value);
    return "";
  }

  function finite(value) {
    return typeof value === "number" && Number.isFinite(value) ? value : null;
  }

  /** 18.7 → "18,7" (one decimal); 35 → "35"; 10.5 → "10,5". */
  function frNumber(value, decimals) {
    const text = decimals === undefined ? String(value) : value.toFixed(decimals);
    return text.replace(".", ",");
  }

  /** "2027-01-15" → "15 janvier 2027", the first of the month → "1er". */
  function frDate(iso) {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(str(iso));
    if (!match) return null;
    const month = Number(match[2]);
    const day = Number(match[3]);
    if (month < 1 || month > 12 || day < 1 || day > 31) return null;
    if (!labels.mois.length) return match[0];
    return `${day === 1 ? "1er" : day} ${labels.mois[month - 1]} ${Number(match[1])}`;
  }

  function frDates(start, end) {
    const from = frDate(start);
    const to = frDate(end);
    if (from && to) return `du ${from} au ${to}`;
    if (from) return `à partir du ${from}`;
    if (to) return `jusqu'au ${to}`;
    return "dates à confirmer";
  }

  /** The first `count` characters of `text`, counted in code points: a pair is never split. */
  function firstCharacters(text, count) {
    const characters = Array.from(text);
    return characters.length > count ? characters.slice(0, count).join("") : text;
  }

  /** A random UUID: a conversation's id, or a message's (the relay takes only this format). */
  function newId() {
    const cryptoApi = window.crypto;
    if (cryptoApi && typeof cryptoApi.randomUUID === "function") {
      try { return cryptoApi.randomUUID(); } catch (_) { /* insecure context: below */ }
    }
    const bytes = new Uint8Array(16);
    if (cryptoApi && typeof cryptoApi.getRandomValues === "function") cryptoApi.getRandomValues(bytes);
    else for (let i = 0; i < bytes.length; i += 1) bytes[i] = Math.floor(Math.random() * 256);
    bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // variant 10
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  // ---------------------------------------------------------------- storage (site mode only)

  const storage = (() => {
    if (kiosk) return null; // the kiosk keeps nothing: everything lives in memory
    try {
      return window.localStorage;
    } catch (_) {
      return null; // storage disabled: the conversation simply does not survive a reload
    }
  })();

  function readStored(key) {
    try { return storage ? storage.getItem(key) : null; } catch (_) { return null; }
  }

  function writeStored(key, value) {
    try { if (storage) storage.setItem(key, value); } catch (_) { /* full or disabled */ }
  }

  function storedSender() {
    const value = readStored(SENDER_KEY);
    // The relay (/chat) takes only the ids newId makes: lowercase random UUIDs.
    if (value && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(value)) return value;
    const fresh = newId();
    writeStored(SENDER_KEY, fresh);
    return fresh;
  }

  function storedHistory() {
    let entries;
    try {
      entries = JSON.parse(readStored(HISTORY_KEY) || "[]");
    } catch (_) {
      return [];
    }
    if (!Array.isArray(entries)) return [];
    return entries.map((entry) => (isObject(entry) && entry.role === "user" ? userEntry(entry.text) : botEntry(entry)))
      .filter(Boolean).slice(-MAX_HISTORY);
  }

  function saveHistory() {
    if (state.history.length > MAX_HISTORY) state.history = state.history.slice(-MAX_HISTORY);
    writeStored(HISTORY_KEY, JSON.stringify(state.history));
  }

  // ---------------------------------------------------------------- conversation entries (data)

  function userEntry(text) {
    return typeof text === "string" && text.trim() ? { role: "user", text } : null;
  }

  function isCards(message) {
    return isObject(message) && isObject(message.custom) &&
      (message.custom.type === "sessions" || message.custom.type === "parcours");
  }

  /**
   * A bot message from the server (or the history) reduced to what the widget shows; null if
   * nothing. A text that introduces cards (the next message) keeps only its first line: the
   * rest lists, for text-only channels, what the cards show.
   */
  function botEntry(message, introducesCards) {
    if (!isObject(message)) return null;
    const entry = { role: "bot" };
    if (typeof message.text === "string" && message.text.trim()) {
      entry.text = introducesCards ? message.text.split("\n")[0] : message.text;
    }
    if (Array.isArray(message.buttons)) {
      const buttons = message.buttons.filter(isObject).map((b) => {
        const title = str(b.title) || str(b.payload);
        return title ? { title, payload: str(b.payload) || title } : null;
      }).filter(Boolean);
      if (buttons.length) entry.buttons = buttons;
    }
    if (isCards(message)) entry.custom = message.custom;
    return entry.text || entry.buttons || entry.custom ? entry : null;
  }

  // ---------------------------------------------------------------- state

  const state = {
    sender: kiosk ? newId() : storedSender(),
    history: kiosk ? [] : storedHistory(),
    generation: 0, // bumped by a reset: answers to older requests are dropped
    pending: 0,
    greeting: false, // a silent "/greet" is on its way or done for the shown conversation
    used: false, // kiosk: somebody sent something since the last reset
    queue: Promise.resolve(),
    controllers: new Set(),
  };

  // ---------------------------------------------------------------- DOM

  let root, launcher, panel, log, typing, input;

  function build() {
    root = el("div", `emchat emchat--${config.mode}`);
    root.id = "emchat";
    root.dataset.mode = config.mode;
    root.lang = "fr";
    root.style.visibility = "hidden"; // until the stylesheet is there (CSSOM: allowed by a strict CSP)

    panel = el("div", "emchat-panel");
    panel.id = "emchat-panel";
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-modal", "false");
    panel.setAttribute("aria-labelledby", "emchat-title");

    const header = el("div", "emchat-header");
    const heading = el("div", "emchat-heading");
    const title = el("h2", "emchat-title", config.title);
    title.id = "emchat-title";
    heading.append(title, el("p", "emchat-subtitle",
      kiosk ? "Touche un bouton pour répondre" : "Métiers et formations de la batterie"));
    const tools = el("div", "emchat-tools");
    // Kiosk: "Nouvelle conversation" in the header. Site: "Effacer l'affichage" under the input.
    const resetButton = el("button", "emchat-reset", kiosk ? "Nouvelle conversation" : "Effacer l'affichage");
    resetButton.type = "button";
    resetButton.id = "emchat-reset";
    resetButton.addEventListener("click", () => reset({ newSender: kiosk }));
    if (kiosk) {
      tools.append(resetButton);
    } else {
      const close = el("button", "emchat-close");
      close.type = "button";
      close.append(el("span", "emchat-close-icon", "×"), srOnly("Fermer l'assistant"));
      close.firstChild.setAttribute("aria-hidden", "true");
      close.addEventListener("click", () => closePanel());
      tools.append(close);
    }
    header.append(heading, tools);

    log = el("div", "emchat-log");
    log.id = "emchat-log";
    log.setAttribute("role", "log");
    log.setAttribute("aria-live", "polite");
    log.setAttribute("aria-label", "Conversation avec l'assistant");
    log.tabIndex = 0; // lets keyboard users scroll a long conversation

    typing = el("div", "emchat-typing");
    typing.setAttribute("aria-hidden", "true");
    typing.hidden = true;
    const dots = el("span", "emchat-dots");
    dots.append(el("span"), el("span"), el("span"));
    typing.append(dots, el("span", "emchat-typing-text", "L'assistant écrit…"));

    panel.append(header, log, typing);

    if (!kiosk) {
      const form = el("form", "emchat-form");
      form.noValidate = true;
      const label = el("label", "emchat-label", "Votre message");
      label.htmlFor = "emchat-input";
      input = el("input", "emchat-input");
      input.id = "emchat-input";
      input.type = "text";
      input.name = "message";
      input.addEventListener("input", () => {
        const kept = firstCharacters(input.value, MAX_INPUT);
        if (kept !== input.value) input.value = kept;
      });
      input.autocomplete = "off";
      input.setAttribute("enterkeyhint", "send");
      input.placeholder = "Ex. : cariste à Lens";
      const sendButton = el("button", "emchat-send", "Envoyer");
      sendButton.id = "emchat-send";
      sendButton.type = "submit";
      form.append(label, input, sendButton);
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        submitInput();
      });
      const foot = el("div", "emchat-foot");
      foot.append(resetButton);
      panel.append(form, foot);

      launcher = el("button", "emchat-launcher");
      launcher.id = "emchat-launcher";
      launcher.type = "button";
      launcher.setAttribute("aria-expanded", "false");
      launcher.setAttribute("aria-controls", "emchat-panel");
      launcher.append(chatIcon(), el("span", "emchat-launcher-text", config.title));
      launcher.addEventListener("click", () => (panel.hidden ? openPanel() : closePanel()));
      panel.hidden = true;
      root.append(launcher);

      root.addEventListener("keydown", (event) => {
        if (event.key === "Escape" && !panel.hidden) {
          event.preventDefault();
          closePanel();
        }
      });
    }

    root.append(panel);
    document.body.append(root);
    loadStylesheet();
  }

  function chatIcon() {
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.setAttribute("class", "emchat-icon");
    const path = document.createElementNS(ns, "path");
    path.setAttribute("d", "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01z");
    path.setAttribute("fill", "currentColor");
    svg.append(path);
    return svg;
  }

  function loadStylesheet() {
    const href = new URL("electromob-chat.css", scriptUrl).href;
    let shown = false;
    const show = () => {
      if (!shown) {
        shown = true;
        root.style.visibility = "";
        if (kiosk) scrollToBottom();
      }
    };
    const present = Array.from(document.querySelectorAll('link[rel~="stylesheet"]')).some((link) => link.href === href);
    if (present) {
      show();
      return;
    }
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = href;
    link.addEventListener("load", show);
    link.addEventListener("error", show); // unstyled but usable
    document.head.append(link);
    window.setTimeout(show, 3000);
  }

  // ---------------------------------------------------------------- rendering

  /** Renders one entry at the end of the log and returns its element. */
  function render(entry) {
    const item = el("div", `emchat-entry emchat-entry-${entry.role}`);
    if (entry.role === "user") {
      item.append(srOnly("Vous : "));
      const bubble = el("div", "emchat-msg emchat-msg-user", entry.text);
      item.append(bubble);
    } else {
      item.append(srOnly("L'assistant : "));
      const message = el("div", "emchat-msg emchat-msg-bot");
      if (entry.error) message.classList.add("emchat-msg-error");
      if (entry.text) message.append(renderText(entry.text));
      if (entry.custom) renderCustom(message, entry.custom);
      if (entry.buttons) message.append(renderButtons(entry.buttons));
      if (!message.firstChild) return null;
      item.append(message);
    }
    log.append(item);
    return item;
  }

  /** Lines become paragraphs; consecutive "•" lines become a list. */
  function renderText(text) {
    const box = el("div", "emchat-text");
    let list = null;
    for (const raw of text.replace(/\r\n?/g, "\n").split("\n")) {
      const line = raw.trim();
      if (!line) {
        list = null;
        continue;
      }
      const bullet = /^•\s*(.*)$/.exec(line);
      if (bullet) {
        if (!list) {
          list = el("ul", "emchat-bullets");
          box.append(list);
        }
        list.append(el("li", null, bullet[1]));
      } else {
        list = null;
        box.append(el("p", null, line));
      }
    }
    return box;
  }

  function renderButtons(buttons) {
    const group = el("div", "emchat-buttons");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Réponses proposées");
    for (const { title, payload } of buttons) {
      const button = el("button", "emchat-btn", title);
      button.type = "button";
      button.addEventListener("click", () => send(payload, title));
      group.append(button);
    }
    return group;
  }

  function renderCustom(parent, custom) {
    if (custom.type === "sessions") renderSessions(parent, custom);
    else if (custom.type === "parcours") renderPath(parent, custom);
  }

  function renderSessions(parent, custom) {
    const sessions = Array.isArray(custom.sessions) ? custom.sessions.filter(isObject) : [];
    if (!sessions.length) return;
    const job = isObject(custom.metier) ? str(custom.metier.libelle) : "";
    const town = isObject(custom.commune) ? str(custom.commune.nom) : "";
    const radius = finite(custom.rayon_km);
    let caption = sessions.length === 1 ? "1 session de formation" : `${sessions.length} sessions de formation`;
    if (job) caption += ` — ${job}`;
    if (town) caption += `, autour de ${town}${radius !== null ? ` (${frNumber(radius)} km)` : ""}`;
    const box = el("div", "emchat-rich");
    box.append(el("p", "emchat-caption", caption));
    const list = el("ul", "emchat-cards");
    for (const session of sessions) {
      const item = el("li");
      item.append(renderCard(session));
      list.append(item);
    }
    box.append(list);
    parent.append(box);
  }

  function renderCard(session) {
    const card = el("article", "emchat-card");
    card.dataset.sessionId = str(session.session_id);
    card.append(el("h3", "emchat-card-title", str(session.intitule) || "Formation"));
    const provider = str(session.organisme);
    if (provider) card.append(el("p", "emchat-card-org", provider));
    const mode = labels.modalites[str(session.modalite)];
    if (mode) card.append(el("p", `emchat-badge emchat-badge-${session.modalite}`, mode.charAt(0).toUpperCase() + mode.slice(1)));

    const facts = el("ul", "emchat-facts");
    const place = el("li", "emchat-fact-place");
    place.append(srOnly("Lieu : "));
    const town = str(session.ville);
    const distance = finite(session.distance_km);
    if (town) {
      place.append(el("span", "emchat-card-town", town));
      const separator = el("span", "emchat-sep", " · ");
      separator.setAttribute("aria-hidden", "true");
      place.append(separator, srOnly(", "));
    }
    const remote = labels.modalites.distanciel || "";
    place.append(el("span", "emchat-card-distance", distance === null ? remote : `${frNumber(distance, 1)} km`));
    facts.append(place);
    const dates = el("li", "emchat-fact-dates");
    dates.append(srOnly("Dates : "), document.createTextNode(frDates(session.debut, session.fin)));
    facts.append(dates);
    const seats = finite(session.places);
    if (seats !== null) facts.append(el("li", "emchat-fact-seats", `${seats} ${seats > 1 ? "places" : "place"}`));
    card.append(facts);
    return card;
  }

  function renderPath(parent, custom) {
    const steps = Array.isArray(custom.etapes) ? custom.etapes.filter(isObject) : [];
    if (!steps.length) return;
    const job = isObject(custom.metier) ? str(custom.metier.libelle) : "";
    const box = el("div", "emchat-rich");
    box.append(el("p", "emchat-caption", job ? `Parcours conseillé — ${job}` : "Parcours conseillé"));
    const list = el("ol", "emchat-path");
    for (const step of steps) {
      const item = el("li", "emchat-step");
      const head = el("p", "emchat-step-head");
      head.append(el("strong", "emchat-step-title", str(step.intitule) || "Formation"));
      const hours = finite(step.heures);
      if (hours !== null) head.append(document.createTextNode(" "), el("span", "emchat-hours", `${frNumber(hours)} h`));
      item.append(head);
      const why = str(step.pourquoi);
      if (why) item.append(el("p", "emchat-step-why", why));
      list.append(item);
    }
    box.append(list);
    parent.append(box);
  }

  function scrollToBottom() {
    log.scrollTop = log.scrollHeight;
  }

  /** Shows the start of a new answer: long answers (cards) are read from their top. */
  function scrollToEntry(item) {
    log.scrollTop = Math.max(0, item.offsetTop - 8);
  }

  function setPending(delta) {
    state.pending = Math.max(0, state.pending + delta);
    typing.hidden = state.pending === 0;
    root.classList.toggle("emchat-busy", state.pending > 0);
    if (state.pending > 0) scrollToBottom();
  }

  // ---------------------------------------------------------------- talking to the server

  function add(entry, persist) {
    const item = render(entry);
    if (persist) {
      state.history.push(entry);
      saveHistory();
    }
    return item;
  }

  /** Sends a message; `shown` is the user's bubble (nothing for a silent message). */
  function send(message, shown, options = {}) {
    const generation = state.generation;
    let entry = null;
    let bubble = null;
    if (shown !== null) {
      entry = userEntry(shown);
      if (entry) {
        bubble = add(entry, true);
        scrollToBottom();
      }
      state.used = true;
    }
    setPending(1);
    state.queue = state.queue.then(() => exchange(message, generation, entry, bubble, options));
    restartIdle();
  }

  async function exchange(message, generation, entry, bubble, options) {
    if (generation !== state.generation) return;
    let replies;
    try {
      replies = await post(message);
    } catch (_) {
      replies = null;
    }
    await labelsReady;
    if (generation !== state.generation) return; // reset meanwhile: this answer belongs to nobody
    setPending(-1);
    if (replies) {
      // "Delete my data" done on the server: forget the copy kept in this browser too.
      if (replies.some((r) => isObject(r) && isObject(r.custom) && r.custom.type === "effacement")) {
        state.history = [];
        saveHistory();
        log.replaceChildren();
      }
      let first = null;
      replies.forEach((reply, index) => {
        const botMessage = botEntry(reply, isCards(replies[index + 1]));
        const item = botMessage && add(botMessage, true);
        if (item && !first) first = item;
      });
      if (first) scrollToEntry(first);
    } else {
      if (entry) {
        state.history = state.history.filter((e) => e !== entry);
        saveHistory();
        bubble.classList.add("emchat-failed");
        bubble.append(el("p", "emchat-failed-note", "Non envoyé"));
      }
      if (options.greeting) state.greeting = false; // asked again at the next opening (site) or reset (kiosk)
      state.used = true; // kiosk: the inactivity reset will try again
      scrollToEntry(add({ role: "bot", text: ERROR_TEXT, error: true }, false));
      if (options.restore && input && !input.value) input.value = options.restore;
    }
    restartIdle();
  }

  async function post(message) {
    const controller = new AbortController();
    state.controllers.add(controller);
    const timer = window.setTimeout(() => controller.abort(), TIMEOUT_MS);
    try {
      const response = await fetch(config.endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ sender: state.sender, message, metadata: { mode: config.mode, message_id: newId() } }),
        credentials: "omit",
        cache: "no-store",
        signal: controller.signal,
      });
      if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
      const replies = await response.json();
      if (!Array.isArray(replies)) throw new Error("unexpected answer");
      return replies;
    } finally {
      window.clearTimeout(timer);
      state.controllers.delete(controller);
    }
  }

  function submitInput() {
    const text = firstCharacters(input.value, MAX_INPUT);
    if (!text.trim()) return;
    input.value = "";
    send(text.trim(), text.trim(), { restore: text });
  }

  /** The greeting, once per shown conversation, when nothing is shown yet. */
  function greetIfEmpty() {
    if (state.greeting || state.history.length) return;
    state.greeting = true;
    send("/greet", null, { greeting: true });
  }

  /**
   * Kiosk ("Nouvelle conversation", inactivity): forget everything, new sender, greeting again.
   * Site ("Effacer l'affichage"): clear what is shown and stored; the conversation id is kept.
   */
  function reset({ newSender }) {
    state.generation += 1;
    for (const controller of state.controllers) controller.abort();
    state.controllers.clear();
    state.queue = Promise.resolve();
    state.pending = 0;
    setPending(0);
    state.history = [];
    state.greeting = false;
    state.used = false;
    if (newSender) {
      state.sender = newId();
      writeStored(SENDER_KEY, state.sender);
    }
    saveHistory();
    log.replaceChildren();
    hideIdleWarning();
    window.clearTimeout(idle.timer);
    window.clearTimeout(idle.warnTimer);
    if (input) input.value = "";
    greetIfEmpty();
  }

  // ---------------------------------------------------------------- site mode: launcher and panel

  function openPanel() {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    root.classList.add("emchat-open");
    scrollToBottom();
    input.focus();
    greetIfEmpty();
  }

  function closePanel() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    root.classList.remove("emchat-open");
    launcher.focus();
  }

  // ---------------------------------------------------------------- kiosk mode: inactivity

  const idle = { timer: 0, warnTimer: 0, countdown: 0, banner: null };

  /** Restarts the inactivity clock; it only runs once somebody has used the kiosk. */
  function restartIdle() {
    if (!kiosk) return;
    window.clearTimeout(idle.timer);
    window.clearTimeout(idle.warnTimer);
    hideIdleWarning();
    if (!state.used) return;
    const warnSeconds = Math.min(20, Math.floor(config.idleSeconds / 3));
    if (warnSeconds >= 3) {
      idle.warnTimer = window.setTimeout(() => showIdleWarning(warnSeconds), (config.idleSeconds - warnSeconds) * 1000);
    }
    idle.timer = window.setTimeout(() => reset({ newSender: true }), config.idleSeconds * 1000);
  }

  function showIdleWarning(seconds) {
    hideIdleWarning();
    const banner = el("div", "emchat-idle");
    banner.setAttribute("role", "alert");
    const text = el("p", "emchat-idle-text");
    const count = el("span", "emchat-idle-count", String(seconds));
    const shown = el("span");
    shown.setAttribute("aria-hidden", "true"); // the countdown is seen, announced once below
    shown.append(count, " s");
    text.append("Tu es toujours là ? Sans action, la conversation va s'effacer dans ", shown,
      srOnly(`${seconds} secondes`), ".");
    const keep = el("button", "emchat-btn emchat-idle-keep", "Je continue");
    keep.type = "button";
    keep.addEventListener("click", restartIdle);
    banner.append(text, keep);
    panel.append(banner);
    idle.banner = banner;
    let left = seconds;
    idle.countdown = window.setInterval(() => {
      left = Math.max(0, left - 1);
      count.textContent = String(left);
    }, 1000);
  }

  function hideIdleWarning() {
    window.clearInterval(idle.countdown);
    if (idle.banner) idle.banner.remove();
    idle.banner = null;
  }

  // ---------------------------------------------------------------- start

  async function start() {
    if (document.getElementById("emchat")) return; // the snippet was pasted twice
    build();
    await labelsReady;
    for (const entry of state.history) render(entry);
    if (kiosk) {
      for (const type of ["pointerdown", "keydown", "wheel", "touchstart"]) {
        document.addEventListener(type, restartIdle, { capture: true, passive: true });
      }
      greetIfEmpty();
    }
  }

  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start, { once: true });
})();
