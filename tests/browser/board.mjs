// The team server in a real browser (Debian's chromium, headless, driven by
// playwright-core): create the admin, log in, upload the example week, see
// the board with its strategies, open a meeting, edit the Norwegian draft,
// save it to the outbox and find the .eml there, and run the plan page.
// Screenshots go to the artifacts folder.
//
// usage: node board.mjs BASE_URL SETUP_LINK CALENDAR.ics ARTIFACTS_DIR
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const [base, setupLink, calendar, artifacts] = process.argv.slice(2);
mkdirSync(artifacts, { recursive: true });
const shot = (page, name) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  // The machine's network is closed: no background fetches, no sandbox as root.
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
let failed = false;
try {
  const context = await browser.newContext({ locale: "nb-NO", acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);

  // The first admin, from the one-time link.
  await page.goto(setupLink);
  await page.getByLabel("Navn").fill("Ingrid Berg");
  await page.getByLabel("E-post").fill("ingrid.berg@fjellfjord.no");
  await page.getByLabel(/^Passord/).fill("langt-passord-1");
  await page.getByRole("button", { name: "Opprett administratorkontoen" }).click();
  await page.waitForURL("**/calendars");

  // Log out and in again, as people do.
  await page.getByRole("button", { name: /Logg ut/ }).click();
  await page.waitForURL("**/login");
  await page.getByLabel("E-post").fill("ingrid.berg@fjellfjord.no");
  await page.getByLabel("Passord").fill("langt-passord-1");
  await page.getByRole("button", { name: "Logg inn" }).click();
  await page.waitForURL("**/week");

  // Upload the example calendar.
  await page.getByRole("link", { name: "Kalendere" }).click();
  await page.getByLabel("Kalenderfil (.ics)").setInputFiles(calendar);
  await page.getByRole("button", { name: "Last opp" }).click();
  await page.waitForURL("**/week?*done=uploaded");
  await page.getByText("Kalenderen er lastet opp").waitFor();

  // The week board with the example's strategies.
  await page.goto(`${base}/week?week=2026-W49`);
  await page.getByRole("heading", { name: /Uke 49/ }).waitFor();
  for (const s of ["attend", "phone-call", "shorten", "email-for-now", "bow-out", "reschedule", "decline", "internal"]) {
    assert.ok(await page.locator(`.card.s-${s}`).count() > 0, `a ${s} card on the board`);
  }
  assert.match(await page.locator(".load p").innerText(), /20,4 t \(17,2 t i møter og 3,2 t reise\) mot et tak på 15,0 t/);
  await shot(page, "1-week-board");

  // Keyboard: the skip link first, and the cards reachable by Tab.
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.className), "skip");
  let reached = false;
  for (let i = 0; i < 40 && !reached; i++) {
    await page.keyboard.press("Tab");
    reached = await page.evaluate(() => !!document.activeElement.closest(".card"));
  }
  assert.ok(reached, "a meeting card is reachable with the keyboard");

  // Phone width: nothing wider than the screen.
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `no sideways scrolling on a phone (${overflow}px)`);
  await shot(page, "2-week-board-phone");
  await page.setViewportSize({ width: 1280, height: 900 });

  // A meeting: facts, trail, alternatives, and the Norwegian draft.
  await page.locator(".card.s-phone-call a").first().click();
  await page.getByRole("heading", { name: "Workshop: ny kundeportal" }).waitFor();
  await page.getByRole("heading", { name: "Fakta" }).waitFor();
  assert.match(await page.locator(".trail").innerText(), /ukeplanen frigjør det med minst mulig risiko/);
  assert.ok(await page.locator("tr.s-shorten").count() === 1, "the alternatives");
  const draft = page.getByLabel("Melding");
  assert.match(await draft.inputValue(), /Takk for invitasjonen/);
  const edited = "Hei Per,\n\nKan vi ta workshopen på telefon i stedet? Da slipper jeg reisen.\n\nVennlig hilsen\nIngrid";
  await draft.fill(edited);
  await shot(page, "3-meeting");
  await page.getByRole("button", { name: "Lagre i utboksen" }).click();
  await page.waitForURL("**/outbox?saved=1");

  // The .eml in the outbox carries the edited words and the calendar answer.
  const link = page.getByRole("link", { name: /Last ned \(\.eml\) .*Workshop: ny kundeportal/ }).first();
  const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
  const eml = readFileSync(await download.path(), "utf8");
  assert.match(eml, /method=COUNTER/);
  assert.match(eml, /Kan vi ta workshopen p=C3=A5 telefon i stedet\?/);
  await shot(page, "4-outbox");

  // The plan page: free three hours, see the plan and the chart, approve.
  await page.getByRole("link", { name: "Plan" }).click();
  await page.goto(`${base}/plan?week=2026-W49`);
  await page.getByLabel(/Tid å frigjøre/).fill("3t");
  await page.getByRole("button", { name: "Lag planen" }).click();
  await page.locator(".outcome").waitFor();
  assert.match(await page.locator(".outcome").innerText(), /Planen frigjør/);
  assert.ok(await page.locator(".chart svg").count() === 1, "the before/after chart");
  await shot(page, "5-plan");
  await page.getByRole("button", { name: /Godkjenn/ }).click();
  await page.waitForURL("**/outbox?saved=*");
  assert.ok(await page.locator(".drafts li").count() >= 2, "the plan's drafts are in the outbox");

  // The journal and the clients page.
  await page.getByRole("link", { name: "Journal" }).click();
  await page.getByRole("heading", { name: "Havnevest" }).waitFor();
  await page.getByRole("link", { name: "Kunder" }).click();
  await page.getByRole("cell", { name: "Nordlys Energi", exact: true }).waitFor();
  await shot(page, "6-clients");
  console.log("browser: all steps passed; screenshots in", artifacts);
} catch (e) {
  failed = true;
  console.error("browser test failed:", e);
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
