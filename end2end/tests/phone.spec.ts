import { expect, test } from "@playwright/test";

// The configurator works on a phone-sized screen: one column, nothing cut off.
test("configurator on a phone", async ({ page }) => {
  await page.goto("/configure/xiaoman");
  await expect(page.locator(".configurator")).toHaveAttribute("data-hydrated", "true");
  await page.locator('[data-option="lease"]').click();
  await expect(page.locator('[data-option="pack_fixed"]')).toHaveAttribute("data-state", "excluded");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});

// "My payments" on a phone: each entry is a card of labelled lines, nothing cut off.
test("my payments on a phone", async ({ page, context, baseURL }) => {
  await page.goto("/payments");
  await expect(page).toHaveURL(/\/login\?next=\/payments$/);
  await expect(page.locator(".auth")).toHaveAttribute("data-hydrated", "true");
  await page.getByTestId("login-login").fill("consumer@demo.test");
  await page.getByTestId("login-password").fill(process.env.C2M_DEMO_PASSWORD ?? "c2m-demo-2026");
  await page.getByTestId("login-submit").click();
  await expect(page).toHaveURL(/\/payments$/);
  // The demo consumer has payments once the desktop tests reserved or bid; alone, none.
  const rows = page.getByTestId("payment");
  await expect(rows.first().or(page.getByTestId("payments-empty"))).toBeVisible();
  if ((await rows.count()) > 0) await expect(page.locator(".payments-table thead")).toBeHidden();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  const shots = process.env.PAYMENTS_SHOTS;
  if (shots) {
    await page.screenshot({ path: `${shots}/pay-phone-zh.png`, fullPage: true });
    await context.addCookies([{ name: "c2m_lang", value: "en", url: baseURL! }]);
    await page.goto("/payments");
    await expect(page.locator("h1")).toHaveText("My payments");
    await page.screenshot({ path: `${shots}/pay-phone-en.png`, fullPage: true });
  }
});
