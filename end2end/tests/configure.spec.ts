import { expect, Page, test } from "@playwright/test";

// The whole first-visit flow, as a new user would walk it.

const option = (page: Page, id: string) => page.locator(`[data-option="${id}"]`);

async function openConfigurator(page: Page) {
  await expect(page.locator(".configurator")).toHaveAttribute("data-hydrated", "true");
}

test("landing page shows the campaign with both prices and a countdown", async ({ page }) => {
  await page.goto("/");
  await expect(page.locator("h1")).toContainText("小满 EV");
  await expect(page.getByTestId("lease-price")).toHaveText("¥49,900");
  await expect(page.getByTestId("purchase-price")).toHaveText("¥89,900");
  await expect(page.locator(".countdown__unit")).toHaveCount(4);
  await page.getByTestId("configure-cta").click();
  await expect(page).toHaveURL(/\/configure\/xiaoman$/);
  await openConfigurator(page);
});

test("configure, resolve a conflict, save and reopen the share link", async ({ page, browser }) => {
  await page.goto("/configure/xiaoman");
  await openConfigurator(page);

  // Choosing the battery lease excludes the fixed (non-swappable) pack, with its reason.
  await option(page, "lease").click();
  await expect(option(page, "lease")).toHaveAttribute("data-state", "selected");
  await expect(option(page, "pack_fixed")).toHaveAttribute("data-state", "excluded");
  const reason = option(page, "pack_fixed").getByTestId("reason");
  await expect(reason).toContainText("电池租用");
  // Every term of the lease is on screen before anything is saved.
  await option(page, "pack_std").click();
  await expect(page.getByTestId("lease-monthly")).toContainText("¥399");
  await expect(page.getByTestId("lease-cap")).toContainText("3,000");
  await expect(page.getByTestId("lease-overage")).toContainText("¥0.20");
  await expect(page.getByTestId("lease-contract")).toContainText("60");

  // Pick 17-inch wheels, then the matte paint: matte needs sport, sport needs 19-inch wheels,
  // so the engine proposes dropping the wheels.
  await option(page, "wheels_17").click();
  await expect(option(page, "wheels_17")).toHaveAttribute("data-state", "selected");
  await expect(option(page, "matte_grey")).toHaveAttribute("data-state", "excluded");
  const before = await page.getByTestId("price-total").textContent();
  await option(page, "matte_grey").click();
  const dialog = page.getByTestId("conflict");
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("17");
  await page.getByTestId("conflict-apply").click();
  await expect(dialog).toBeHidden();
  await expect(option(page, "matte_grey")).toHaveAttribute("data-state", "selected");
  await expect(option(page, "sport")).toHaveAttribute("data-state", "forced");
  await expect(option(page, "wheels_19")).toHaveAttribute("data-state", "forced");
  await expect(option(page, "wheels_17")).toHaveAttribute("data-state", "excluded");
  await expect(page.getByTestId("price-total")).not.toHaveText(before ?? "");

  // Fill in the rest and save.
  await page.getByTestId("complete").click();
  await expect(page.getByTestId("status")).toContainText("配置完整");
  const total = await page.getByTestId("price-total").textContent();
  await page.getByTestId("save").click();
  const link = page.getByTestId("share-link");
  await expect(link).toBeVisible();
  const href = await link.getAttribute("href");
  expect(href).toMatch(/^\/c\/[0-9A-Z]{8}$/);

  // A fresh browser (no shared state) opens the link and finds the same car.
  const context = await browser.newContext();
  const other = await context.newPage();
  await other.goto(href!);
  await openConfigurator(other);
  await expect(other.getByTestId("restored")).toBeVisible();
  for (const id of ["lease", "matte_grey"]) {
    await expect(option(other, id)).toHaveAttribute("data-state", "selected");
  }
  await expect(option(other, "sport")).toHaveAttribute("data-state", "forced");
  await expect(other.getByTestId("price-total")).toHaveText(total ?? "");
  await context.close();
});

test("the language switch turns the whole page English and is remembered", async ({ page }) => {
  await page.goto("/configure/xiaoman");
  await openConfigurator(page);
  await expect(page.locator("h1")).toContainText("定制你的");
  // The server renders the page again in the other language; the car in progress stays.
  await option(page, "lease").click();
  await expect(page).toHaveURL(/\?pick=lease$/);
  await page.getByTestId("lang-switch").click();
  await expect(page.locator("h1")).toContainText("Configure your");
  await expect(option(page, "lease")).toContainText("Battery lease");
  await expect(option(page, "lease")).toHaveAttribute("data-state", "selected");
  await expect(option(page, "pack_fixed")).toHaveAttribute("data-state", "excluded");
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await page.reload();
  await expect(page.locator("h1")).toContainText("Configure your");
  // The page is server-rendered; the switch works once the page (and its lazy chunks) hydrated.
  await openConfigurator(page);
  await page.getByTestId("lang-switch").click();
  await expect(page.locator("h1")).toContainText("定制你的");
});

test("an unknown share code shows a readable page, not an error", async ({ page }) => {
  const response = await page.goto("/c/ZZZZZZZZ");
  expect(response?.status()).toBe(404);
  await expect(page.locator("h1")).toContainText("页面不存在");
});

test("pages run under their Content-Security-Policy without a single violation", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content[- ]Security[- ]Policy/i.test(message.text())) violations.push(message.text());
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) =>
      console.error(`Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  for (const path of ["/", "/configure", "/auctions", "/login"]) {
    const response = await page.goto(path);
    expect(response?.headers()["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9_-]{16,}'/);
    await page.waitForLoadState("networkidle");
  }
  // The islands hydrated under the policy.
  await page.goto("/configure");
  await openConfigurator(page);
  expect(violations).toEqual([]);
});
