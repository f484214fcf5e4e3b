import { expect, Page, test } from "@playwright/test";

// "My payments" (issue 16): a visitor is sent to log in and back; a consumer's reservation
// shows up as a charge linked to its order, with totals that match the statement API.

const demoPassword = process.env.C2M_DEMO_PASSWORD ?? "c2m-demo-2026";
// Set to a folder to keep screenshots of the page (desktop and phone, both languages).
const shots = process.env.PAYMENTS_SHOTS;

async function fillLogin(page: Page, login: string) {
  await expect(page.locator(".auth")).toHaveAttribute("data-hydrated", "true");
  await page.getByTestId("login-login").fill(login);
  await page.getByTestId("login-password").fill(demoPassword);
  await page.getByTestId("login-submit").click();
}

async function reserveACar(page: Page) {
  await page.goto("/configure/xiaoman");
  await expect(page.locator(".configurator")).toHaveAttribute("data-hydrated", "true");
  await page.locator('[data-option="lease"]').click();
  await page.getByTestId("complete").click();
  await page.getByTestId("save").click();
  await expect(page.getByTestId("share-code")).toHaveText(/^[0-9A-Z]{8}$/);
  await page.getByTestId("reserve").click();
  await expect(page).toHaveURL(/\/orders$/);
  await expect(page.getByTestId("order").first()).toHaveAttribute("data-status", "reserved");
}

const yuan = (fen: number) =>
  (fen < 0 ? "-" : "") + "¥" + (Math.abs(fen) % 100 === 0
    ? (Math.abs(fen) / 100).toLocaleString("en-US")
    : (Math.abs(fen) / 100).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 }));

test("a visitor is sent to log in, then comes back to the payments", async ({ page }) => {
  await page.goto("/payments");
  await expect(page).toHaveURL(/\/login\?next=\/payments$/);
  await fillLogin(page, "consumer@demo.test");
  await expect(page).toHaveURL(/\/payments$/);
  await expect(page.locator("h1")).toHaveText("我的支付");
  await expect(page.getByTestId("nav-payments")).toHaveAttribute("aria-current", "page");
});

test("a reservation's charge is on the statement, with the totals, in both languages", async ({ page, context, baseURL }) => {
  await page.goto("/login");
  await fillLogin(page, "consumer@demo.test");
  await expect(page.getByTestId("account-name")).toBeVisible();
  await reserveACar(page);
  const orderId = (await page.getByTestId("order").first().getAttribute("id"))!.replace(/^order-/, "");

  await page.getByTestId("nav-payments").click();
  await expect(page).toHaveURL(/\/payments$/);
  const statement = await (await page.request.get("/api/v1/me/payments")).json();
  expect(statement.entries.length).toBeGreaterThan(0);

  const rows = page.getByTestId("payment");
  await expect(rows).toHaveCount(statement.entries.length);
  // Newest first: the reservation just made.
  const mine = rows.filter({ has: page.locator(`a[href="/orders#order-${orderId}"]`) });
  await expect(mine).toHaveCount(1);
  await expect(mine).toHaveAttribute("data-kind", "charge");
  await expect(mine).toHaveAttribute("data-purpose", "reservation");
  await expect(mine).toHaveAttribute("data-status", "succeeded");
  await expect(mine.getByTestId("payment-amount")).toHaveText("¥999");
  await expect(mine.getByTestId("payment-status")).toHaveText("成功");
  await expect(mine).toContainText("预订金");
  await expect(mine.locator("time")).toHaveText(/\d{4}/);

  await expect(page.getByTestId("total-charged")).toHaveText(yuan(statement.charged_fen));
  await expect(page.getByTestId("total-refunded")).toHaveText(yuan(statement.refunded_fen));
  await expect(page.getByTestId("total-net")).toHaveText(yuan(statement.net_fen));
  if (shots) await page.screenshot({ path: `${shots}/pay-desktop-zh.png`, fullPage: true });

  // The link opens the order on the orders page.
  await mine.getByTestId("payment-order").click();
  await expect(page).toHaveURL(new RegExp(`/orders#order-${orderId}$`));
  await expect(page.locator(`#order-${orderId}`)).toBeVisible();

  // English.
  await context.addCookies([{ name: "c2m_lang", value: "en", url: baseURL! }]);
  await page.goto("/payments");
  await expect(page.locator("h1")).toHaveText("My payments");
  await expect(page.getByTestId("nav-payments")).toHaveText("My payments");
  await expect(mine.getByTestId("payment-status")).toHaveText("Succeeded");
  await expect(mine).toContainText("Reservation");
  await expect(page.locator(".payments__totals")).toContainText("Net paid");
  if (shots) await page.screenshot({ path: `${shots}/pay-desktop-en.png`, fullPage: true });
});
