import { expect, Page, request, test } from "@playwright/test";

// The OEM product team: sign in, read the dashboard of their own car line (generated demand
// from scripts/e2e.sh), filter, export CSV, and pull the feed with a token of their own.

async function loginAsOem(page: Page) {
  await page.goto("/login");
  await expect(page.locator(".auth")).toHaveAttribute("data-hydrated", "true");
  await page.getByTestId("login-login").fill("oem@demo.test");
  await page.getByTestId("login-password").fill("c2m-demo-2026");
  await page.getByTestId("login-submit").click();
  await expect(page.getByTestId("account-name")).toBeVisible();
  await page.getByTestId("nav-demand").click();
  await expect(page).toHaveURL(/\/oem$/);
}

const number = (text: string | null) => Number((text ?? "").replace(/[^0-9]/g, ""));

test("an OEM member reads, filters and exports the demand of their car line", async ({ page }) => {
  await loginAsOem(page);
  await expect(page.getByTestId("nav-demand")).toBeVisible();
  await expect(page.getByTestId("k-badge")).toContainText("10");
  const funnel = page.getByTestId("funnel");
  await expect(funnel).toContainText("预订");
  // The funnel's reservations: a real count of the 10,000 generated ones, less those in cells
  // (day, province, sales mode) of fewer than K people, which stay hidden. (At 3,000 whether any
  // complete configuration reached K in one cell depended on the weekday the demand was drawn
  // on: the generator's weekend bumps move people between day cells.)
  const reservedAll = number(await funnel.locator(".bars__row").nth(2).locator(".bars__value").textContent());
  expect(reservedAll).toBeGreaterThan(300);
  expect(reservedAll).toBeLessThanOrEqual(10000);
  await expect(page.getByTestId("provinces").locator("svg")).toBeVisible();
  await expect(page.getByTestId("region-guangdong")).toBeVisible();
  await expect(page.getByTestId("rate-lease")).toBeVisible();
  await expect(page.getByTestId("top-configurations").locator(".configs__item").first()).toBeVisible();

  // Filter by lease: fewer reservations, and the filter is in the link.
  await page.getByTestId("f-mode").selectOption("lease");
  await page.getByTestId("f-apply").click();
  await expect(page).toHaveURL(/mode=lease/);
  await expect(page.getByTestId("f-mode")).toHaveValue("lease");
  const reservedLease = number(await page.getByTestId("funnel").locator(".bars__row").nth(2).locator(".bars__value").textContent());
  expect(reservedLease).toBeGreaterThan(0);
  expect(reservedLease).toBeLessThan(reservedAll);

  // CSV export of one figure, with the same filter.
  const href = await page.getByTestId("export-provinces").getAttribute("href");
  expect(href).toContain("sales_mode=lease");
  expect(href).toContain("figure=provinces");
  const csv = await page.request.get(href!);
  expect(csv.status()).toBe(200);
  expect(csv.headers()["content-type"]).toContain("text/csv");
  const text = await csv.text();
  expect(text.split("\n")[0]).toBe("figure,key,label,signal,n,base");
  expect(text).toContain("provinces,guangdong,");
});

test("an OEM member creates a token, pulls the feed with it, and revokes it", async ({ page, baseURL }) => {
  await loginAsOem(page);
  await page.getByTestId("tokens-link").click();
  await expect(page).toHaveURL(/\/oem\/tokens$/);
  await expect(page.getByTestId("tokens-page")).toHaveAttribute("data-hydrated", "true");
  await page.getByTestId("token-name").fill(`planning-${Date.now()}`);
  await page.getByTestId("token-create").click();
  const secret = (await page.getByTestId("token-secret").textContent())!.trim();
  expect(secret).toMatch(/^c2m_/);

  // The token works without any session, for this OEM's campaign only.
  const feed = await request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${secret}` } });
  const json = await feed.get("/api/v1/demand/xiaoman-presale");
  expect(json.status()).toBe(200);
  const report = await json.json();
  expect(report.campaign.id).toBe("xiaoman-presale");
  expect(report.k).toBe(10);
  expect((await feed.get("/api/v1/demand/xiaoman-presale.csv?figure=funnel")).status()).toBe(200);
  expect((await feed.get("/api/v1/demand/someone-elses")).status()).toBe(404);

  // Revoked: refused at once.
  await page.getByTestId("token-revoke").first().click();
  await expect(page.getByTestId("tokens").locator(".pill--dropped").first()).toBeVisible();
  expect((await feed.get("/api/v1/demand/xiaoman-presale")).status()).toBe(401);
  await feed.dispose();
});
