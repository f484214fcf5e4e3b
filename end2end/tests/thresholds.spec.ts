import { expect, test } from "@playwright/test";

// Demand thresholds: progress on the configurator, and the one-step change offered to holders
// of an order whose option missed its threshold.

const demoPassword = process.env.C2M_DEMO_PASSWORD ?? "c2m-demo-2026";

test("the configurator shows threshold progress; a dropped option is changed in one step", async ({ page, request }) => {
  // (The campaign shown is the line's latest; other tests may have created one, so no fixed target.)
  await page.goto("/configure/xiaoman");
  await expect(page.locator('[data-option="sand_gold"] [data-testid="option-threshold"]')).toContainText(/已预订 \d[\d,]* \/ \d/);

  // A marketer runs a campaign whose sand-gold threshold is decided in three seconds.
  const marketer = await (
    await request.post("/api/v1/auth/login", { data: { login: "marketer@demo.test", password: demoPassword } })
  ).json();
  const now = Date.now();
  const id = `drop-${now}`;
  const created = await request.post("/api/v1/campaigns", {
    headers: { authorization: `Bearer ${marketer.token}` },
    data: {
      id, car_line: "xiaoman",
      title: { zh: "门槛测试", en: "Threshold test" }, tagline: { zh: "测试", en: "Test" },
      warmup_at: now - 60_000, opens_at: now - 60_000, closes_at: now + 86_400_000,
      batches: [10], reservation_fen: 99_900, earnest_fen: 500_000, cooling_off_hours: 24,
      thresholds: [{ option: "sand_gold", target: 5, deadline: now + 3_000 }],
    },
  });
  expect(created.status()).toBe(201);

  // A consumer reserves a sand-gold car in it.
  const login = `drop-${now}@example.test`;
  const password = "drop-test-password";
  const consumer = await (await request.post("/api/v1/auth/register", { data: { login, password } })).json();
  const saved = await (
    await request.post("/api/v1/configurations", {
      data: {
        car_line: "xiaoman",
        selections: ["lease", "pack_std", "sand_gold", "standard", "wheels_18", "interior_comfort", "solid_roof"],
      },
    })
  ).json();
  const reserved = await request.post(`/api/v1/campaigns/${id}/reservations`, {
    headers: { authorization: `Bearer ${consumer.token}` },
    data: { configuration_code: saved.code, idempotency_key: `drop-key-${now}` },
  });
  expect(reserved.status()).toBe(201);

  // Once the deadline passes, the holder finds the order flagged, with a way to change it.
  await page.goto("/login");
  await expect(page.locator(".auth")).toHaveAttribute("data-hydrated", "true");
  await page.getByTestId("login-login").fill(login);
  await page.getByTestId("login-password").fill(password);
  await page.getByTestId("login-submit").click();
  await expect(page.getByTestId("account-name")).toBeVisible();
  await expect(async () => {
    await page.goto("/orders");
    await expect(page.getByTestId("dropped-notice")).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await page.getByTestId("change-config").click();
  await expect(page.getByTestId("changing-order")).toBeVisible();
  await expect(page.locator(".configurator")).toHaveAttribute("data-hydrated", "true");
  await page.locator('[data-option="cloud_white"]').click();
  await page.getByTestId("save").click();
  await page.getByTestId("apply-to-order").click();

  // Back on "My orders": the same order, no longer flagged, its timeline tells the change.
  await expect(page).toHaveURL(/\/orders$/);
  await expect(page.getByTestId("order")).toHaveCount(1);
  await expect(page.getByTestId("order")).toContainText("已更换配置");
  await expect(page.getByTestId("dropped-notice")).toHaveCount(0);
});
