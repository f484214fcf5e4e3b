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
