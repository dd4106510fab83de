// The try page: one person's chat with the bot at a time, kept up to date by long polling.
// Message HTML comes from the server already cleaned to Telegram's tags; everything else
// is put into the page as text, never as markup.
"use strict";

const texts = JSON.parse(document.getElementById("texts").textContent);
const lang = document.documentElement.lang;
const list = document.getElementById("messages");
const keyboard = document.getElementById("keyboard");
const notice = document.getElementById("notice");
const people = [...document.querySelectorAll(".person")];
const state = { person: null, since: 0, poll: 0, seen: {}, shown: new Map() };

function withLang(path) {
  return path + (path.includes("?") ? "&" : "?") + "lang=" + encodeURIComponent(lang);
}

async function post(path, body) {
  const response = await fetch(withLang(path), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    throw new Error(await response.text());
  }
  return response.json();
}

function say(text) {
  notice.textContent = text;
  notice.hidden = false;
  clearTimeout(say.timer);
  say.timer = setTimeout(() => { notice.hidden = true; }, 3500);
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function inlineKeyboard(message) {
  const grid = element("div", "inline-keyboard");
  for (const row of message.buttons) {
    const line = element("div", "row");
    for (const button of row) {
      if (button.url) {
        const link = element("a", "", button.text);
        link.href = button.url;
        link.target = "_blank";
        link.rel = "noopener noreferrer";
        line.append(link);
      } else {
        const press = element("button", "", button.text);
        press.type = "button";
        press.dataset.data = button.data;
        press.addEventListener("click", () => pressButton(message.id, button.data));
        line.append(press);
      }
    }
    grid.append(line);
  }
  return grid;
}

function drawMessage(message) {
  const old = state.shown.get(message.id);
  if (message.deleted) {
    if (old) old.remove();
    state.shown.delete(message.id);
    return;
  }
  const node = element("div", "message" + (message.from_bot ? "" : " mine"));
  node.dataset.messageId = message.id;
  const bubble = element("div", "bubble");
  if (message.photo_url) {
    const picture = element("img");
    picture.src = message.photo_url;
    picture.alt = "";
    bubble.append(picture);
  }
  if (message.document) {
    const link = element("a", "document", "📄 " + message.document.name);
    link.href = message.document.url;
    link.download = message.document.name;
    bubble.append(link);
  }
  const body = element("div", "text");
  body.innerHTML = message.html || message.caption_html;  // cleaned by the server
  bubble.append(body);
  bubble.append(element("span", "meta", (message.edited ? texts.edited + " " : "") + message.time));
  node.append(bubble);
  if (message.buttons.length) node.append(inlineKeyboard(message));
  if (old) {
    old.replaceWith(node);
  } else {
    list.append(node);
  }
  state.shown.set(message.id, node);
}

function drawKeyboard(rows) {
  keyboard.replaceChildren();
  for (const row of rows || []) {
    const line = element("div", "row");
    for (const text of row) {
      const button = element("button", "", text);
      button.type = "button";
      button.addEventListener("click", () => sendText(text));
      line.append(button);
    }
    keyboard.append(line);
  }
}

function markActivity(activity) {
  for (const person of people) {
    const key = person.dataset.person;
    if (key === state.person || state.seen[key] === undefined) {
      state.seen[key] = activity[key];
    }
    person.querySelector(".badge").hidden = !(activity[key] > state.seen[key]);
  }
}

function apply(changes) {
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  changes.messages.forEach(drawMessage);
  if (changes.seq > state.since || state.since === 0) drawKeyboard(changes.keyboard);
  changes.notices.forEach(say);
  document.getElementById("now").textContent = changes.now;
  state.since = changes.seq;
  markActivity(changes.activity);
  if (atBottom || changes.messages.length) list.scrollTop = list.scrollHeight;
}

async function poll() {
  const mine = ++state.poll;
  while (mine === state.poll) {
    try {
      const wait = state.since ? 20 : 0;
      const url = `/try/api/chats/${state.person}?since=${state.since}&wait=${wait}`;
      const response = await fetch(withLang(url));
      if (!response.ok) throw new Error(await response.text());
      const changes = await response.json();
      if (mine === state.poll) apply(changes);
    } catch (error) {
      if (mine !== state.poll) return;
      say(texts.offline);
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

function choose(key) {
  state.person = key;
  state.since = 0;
  state.shown.clear();
  list.replaceChildren();
  keyboard.replaceChildren();
  for (const person of people) {
    const chosen = person.dataset.person === key;
    person.setAttribute("aria-pressed", String(chosen));
    if (chosen) {
      document.getElementById("chat-title").textContent = person.querySelector(".name").textContent;
    }
  }
  history.replaceState(null, "", "#" + key);
  poll();
}

async function sendText(text) {
  try {
    await post(`/try/api/chats/${state.person}/messages`, { text });
  } catch (error) {
    say(texts.failed.replace("{reason}", error.message));
  }
}

async function pressButton(messageId, data) {
  try {
    await post(`/try/api/chats/${state.person}/buttons`, { message_id: messageId, data });
  } catch (error) {
    say(texts.failed.replace("{reason}", error.message));
  }
}

document.getElementById("composer").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = document.getElementById("text");
  const text = input.value;
  if (!text.trim()) return;
  input.value = "";
  sendText(text);
});

for (const button of document.querySelectorAll("[data-jump]")) {
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const answer = await post("/try/api/clock", { jump: button.dataset.jump });
      document.getElementById("now").textContent = answer.now;
      say(texts.jumped);
    } catch (error) {
      say(texts.failed.replace("{reason}", error.message));
    } finally {
      button.disabled = false;
    }
  });
}

for (const person of people) {
  person.addEventListener("click", () => choose(person.dataset.person));
}
const wanted = location.hash.slice(1);
choose(people.some((p) => p.dataset.person === wanted) ? wanted : people[0].dataset.person);
