import { expect, Page, test } from "@playwright/test";

// Accounts, reservations, the two-step lock, voting, and a marketer's campaign.

async function hydrated(page: Page) {
  await expect(page.locator(".configurator")).toHaveAttribute("data-hydrated", "true");
}

async function saveACar(page: Page) {
  await page.goto("/configure/xiaoman");
  await hydrated(page);
  await page.locator('[data-option="lease"]').click();
  await page.getByTestId("complete").click();
  await expect(page.getByTestId("status")).toContainText("配置完整");
  await page.getByTestId("save").click();
  await expect(page.getByTestId("share-code")).toHaveText(/^[0-9A-Z]{8}$/);
}

const orders = (page: Page) => page.getByTestId("order");

// The order list is an island: its buttons work once it hydrated.
async function ordersReady(page: Page) {
  await expect(page).toHaveURL(/\/orders$/);
  await expect(page.getByTestId("order-list")).toHaveAttribute("data-hydrated", "true");
}

test("register, reserve, cancel, reserve again, lock with two steps, vote", async ({ page }) => {
  const email = `e2e-${Date.now()}@example.com`;
  await page.goto("/login");
  await expect(page.locator(".auth")).toHaveAttribute("data-hydrated", "true");
  await page.getByTestId("register-login").fill(email);
  await page.getByTestId("register-password").fill("e2e-password");
  await page.getByTestId("register-name").fill("测试用户");
  await page.getByTestId("register-submit").click();
  await expect(page).toHaveURL(/\/orders$/);
  await expect(page.getByTestId("account-name")).toHaveText("测试用户");
  await expect(page.getByTestId("orders-empty")).toBeVisible();

  // Configure, save, reserve: the payment is confirmed asynchronously.
  await saveACar(page);
  await page.getByTestId("reserve").click();
  await ordersReady(page);
  await expect(orders(page)).toHaveCount(1);
  await expect(orders(page).first()).toHaveAttribute("data-status", "reserved");
  await expect(orders(page).first().getByTestId("order-held")).toHaveText("¥999");

  // Cancel: full refund.
  await orders(page).first().getByTestId("cancel-order").click();
  await expect(orders(page).first()).toHaveAttribute("data-status", "cancelled");
  await expect(orders(page).first().getByTestId("order-held")).toHaveText("¥0");
  await expect(orders(page).first()).toContainText("退款到账");

  // Reserve again, then lock: the first click only explains what stops being refundable.
  await saveACar(page);
  await page.getByTestId("reserve").click();
  await ordersReady(page);
  await expect(orders(page)).toHaveCount(2);
  const fresh = orders(page).first();
  await expect(fresh).toHaveAttribute("data-status", "reserved");
  await fresh.getByTestId("lock-order").click();
  await expect(fresh.getByTestId("lock-terms")).toContainText("¥5,000");
  await expect(fresh.getByTestId("lock-terms")).toContainText("不再退还");
  await expect(fresh).toHaveAttribute("data-status", "reserved");
  await fresh.getByTestId("lock-confirm-button").click();
  await expect(fresh).toHaveAttribute("data-status", "locked");
  await expect(fresh.getByTestId("order-held")).toHaveText("¥5,999");

  // Vote on the landing page, then change the vote.
  await page.goto("/");
  await expect(page.locator(".polls")).toHaveAttribute("data-hydrated", "true");
  const poll = page.getByTestId("poll");
  await expect(poll).toBeVisible();
  const sandGold = poll.locator('[data-choice="sand_gold"]');
  const skyBlue = poll.locator('[data-choice="sky_blue"]');
  const before = Number((await skyBlue.getByTestId("vote-count").textContent())?.split(" ")[0]);
  await sandGold.getByTestId("vote").click();
  await expect(sandGold).toHaveClass(/poll__choice--mine/);
  await skyBlue.getByTestId("vote").click();
  await expect(skyBlue).toHaveClass(/poll__choice--mine/);
  await expect(skyBlue.getByTestId("vote-count")).toContainText(String(before + 1));
  await expect(sandGold).not.toHaveClass(/poll__choice--mine/);
});

test("a visitor is asked to log in before reserving", async ({ page }) => {
  await saveACar(page);
  await page.getByTestId("reserve").click();
  await expect(page.getByTestId("login-to-reserve")).toBeVisible();
});

test("a marketer creates a campaign with a cap and a poll, then edits it; wrong input is explained", async ({ page }) => {
  await page.goto("/login");
  await expect(page.locator(".auth")).toHaveAttribute("data-hydrated", "true");
  await page.getByTestId("login-login").fill("marketer@demo.test");
  await page.getByTestId("login-password").fill(process.env.C2M_DEMO_PASSWORD ?? "c2m-demo-2026");
  await page.getByTestId("login-submit").click();
  await expect(page.getByTestId("account-name")).toBeVisible();
  await page.goto("/studio/campaigns/new");
  await expect(page.getByTestId("f-opens")).not.toHaveValue("");
  const id = `e2e-${Date.now()}`;
  await page.getByTestId("f-id").fill(id);
  await page.getByTestId("f-title-zh").fill("小满秋季共创");
  await page.getByTestId("f-title-en").fill("Xiaoman autumn");
  await page.getByTestId("f-tagline-zh").fill("第二批");
  await page.getByTestId("f-tagline-en").fill("Second wave");
  await page.getByTestId("f-batches").fill("100");
  await page.getByTestId("f-earnest").fill("20000");
  await page.getByTestId("f-poll-zh").fill("哪种轮毂？");
  await page.getByTestId("f-poll-en").fill("Which wheels?");
  await page.getByTestId("f-poll-choices").fill("wheels_17:17 英寸:17 inch\nwheels_18:18 英寸:18 inch");
  await page.getByTestId("save-campaign").click();
  // 20,000 CNY is more than 20 % of the cheapest car: refused, with the limit in words.
  await expect(page.getByTestId("campaign-error")).toContainText("定金");
  await expect(page.getByTestId("campaign-error")).toContainText("20%");
  await page.getByTestId("f-earnest").fill("5000");
  await page.getByTestId("save-campaign").click();
  const created = page.getByTestId("campaign-saved");
  await expect(created).toContainText(id);
  await expect(created).toContainText("0/100");

  // The studio lists it; editing adds a batch and a demand threshold.
  await page.goto("/studio");
  await expect(page.getByTestId(`studio-${id}`)).toContainText("小满秋季共创");
  await page.getByTestId(`edit-${id}`).click();
  await expect(page.getByTestId("f-batches")).toHaveValue("100");
  await expect(page.getByTestId("f-opens")).not.toHaveValue("");
  await expect(page.getByTestId("f-id")).toHaveAttribute("readonly", "");
  await expect(page.locator(".studio__poll")).toContainText("wheels_17");
  await page.getByTestId("f-batches").fill("0, 200");
  await page.getByTestId("save-campaign").click();
  await expect(page.getByTestId("campaign-error")).toContainText("批次上限（第 1 项）");
  await page.getByTestId("f-batches").fill("100, 200");
  await page.getByTestId("f-thresholds").fill("sand_gold:500");
  await page.getByTestId("save-campaign").click();
  await expect(page.getByTestId("campaign-saved")).toContainText("#2 0/200");
  await page.reload();
  await expect(page.getByTestId("f-batches")).toHaveValue("100, 200");
  await expect(page.getByTestId("f-thresholds")).toHaveValue("sand_gold:500");
});
