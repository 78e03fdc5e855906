package dev.scheduleman.api;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static dev.scheduleman.api.Api.as;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.AriaRole;
import dev.scheduleman.storage.execution.ExecutionRepository;
import dev.scheduleman.storage.schedule.ScheduleKey;
import dev.scheduleman.storage.schedule.ScheduleRepository;
import dev.scheduleman.storage.testing.Fixtures;
import dev.scheduleman.storage.testing.PostgresTestResource;
import dev.scheduleman.storage.testing.TestDatabase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard in a real browser: the system's Chromium, driven by Playwright, against crud-api on
 * embedded PostgreSQL. Skipped (with the reason) where Chromium is not installed. Screenshots of
 * every page go to target/screenshots.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class DashboardBrowserTest {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path SHOTS = Path.of("target/screenshots");
  private static Playwright playwright;
  private static Browser browser;

  @TestHTTPResource("/ui/")
  URL ui;

  @BeforeAll
  static void startBrowser() throws Exception {
    assumeTrue(
        Files.isExecutable(CHROMIUM),
        "Chromium is not installed (apt-get install chromium): browser tests skipped");
    Files.createDirectories(SHOTS);
    playwright =
        Playwright.create(
            new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    browser =
        playwright
            .chromium()
            .launch(
                new BrowserType.LaunchOptions()
                    .setExecutablePath(CHROMIUM)
                    .setHeadless(true)
                    .setArgs(
                        List.of(
                            "--headless",
                            "--no-sandbox",
                            "--disable-gpu",
                            "--disable-background-networking")));
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.close();
    }
    if (playwright != null) {
      playwright.close();
    }
  }

  /** Content-Security-Policy violations any page of a test reported, checked after each test. */
  private final List<String> violations = new java.util.concurrent.CopyOnWriteArrayList<>();

  @AfterEach
  void nothingWasRefusedByTheContentSecurityPolicy() {
    org.assertj.core.api.Assertions.assertThat(violations).isEmpty();
  }

  private Page newPage(Browser.NewPageOptions options) {
    Page page = browser.newPage(options);
    page.onConsoleMessage(
        message -> {
          if (message.text().contains("Content Security Policy")) {
            violations.add(message.text());
          }
        });
    return page;
  }

  private Page signedIn(String key, int width) {
    Page page = newPage(new Browser.NewPageOptions().setViewportSize(width, 900));
    page.onDialog(dialog -> dialog.accept());
    page.navigate(ui.toString());
    page.getByLabel("API key").fill(key);
    button(page, "Sign in").click();
    assertThat(page.locator("h1")).hasText("Schedules");
    return page;
  }

  private static Locator button(Page page, String name) {
    return page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(name));
  }

  private static Locator link(Page page, String name) {
    return page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName(name));
  }

  private static void shot(Page page, String name) {
    page.screenshot(
        new Page.ScreenshotOptions().setPath(SHOTS.resolve(name + ".png")).setFullPage(true));
  }

  @Test
  void createACronScheduleThroughTheFormSeeItListedPauseAndResumeIt() {
    String key = Api.newTenant();
    Page page = signedIn(key, 1280);

    link(page, "New schedule").click();
    page.getByLabel("Name", new Page.GetByLabelOptions().setExact(true)).fill("nightly-report");
    page.getByLabel("Cron expression").fill("30 2 * * *");
    page.getByLabel("Time zone").fill("Europe/Berlin");
    page.getByLabel("URL").fill("https://example.com/hooks/report");
    page.getByLabel("Body").fill("{\"kind\":\"nightly\"}");
    // The preview follows what is typed: 02:30 in Berlin is 01:30Z in winter, 00:30Z in summer.
    assertThat(page.locator("#preview li")).hasCount(5);
    assertThat(page.locator("#preview li time").first())
        .hasAttribute("title", java.util.regex.Pattern.compile("T0[01]:30:00.000Z UTC"));
    // Every control has a label a screen reader announces.
    Object unlabelled =
        page.evaluate(
            "() => [...document.querySelectorAll('input, select, textarea')]"
                + ".filter(e => e.labels.length === 0).map(e => e.id)");
    org.assertj.core.api.Assertions.assertThat((List<?>) unlabelled).isEmpty();
    shot(page, "form");
    button(page, "Create").click();

    assertThat(page.locator("h1")).containsText("nightly-report");
    assertThat(page.locator("dl.definition")).containsText("Europe/Berlin");
    assertThat(page.locator("ol li")).hasCount(10);
    shot(page, "detail");

    button(page, "Pause").click();
    assertThat(page.locator("h1 .state")).hasText("PAUSED");
    button(page, "Resume").click();
    assertThat(page.locator("h1 .state")).hasText("ACTIVE");

    link(page, "Schedules").click();
    Locator row = page.locator("tbody tr", new Page.LocatorOptions().setHasText("nightly-report"));
    assertThat(row).containsText("ACTIVE");
    assertThat(row.locator("time"))
        .hasAttribute("title", java.util.regex.Pattern.compile("T0[01]:30:00.000Z UTC"));
    shot(page, "list");
    page.close();
  }

  @Test
  void badCronIsShownNextToItsFieldAndNothingIsCreated() {
    String key = Api.newTenant();
    Page page = signedIn(key, 1280);
    link(page, "New schedule").click();
    page.getByLabel("Cron expression").fill("61 * * * *");
    assertThat(page.locator("#cron-error")).hasText("minute field: 61 is out of range 0-59");
    assertThat(page.getByLabel("Cron expression")).hasAttribute("aria-invalid", "true");
    page.getByLabel("Fire within (optional)").fill("2d");
    assertThat(page.locator("#window-error")).hasText("must be between 1s and 1d, not 2d");
    page.getByLabel("URL").fill("ftp://example.com/x");
    page.getByLabel("Flow key (optional)").fill("two words");
    button(page, "Create").click();
    assertThat(page.locator("#url-error")).containsText("scheme 'ftp' is not allowed");
    assertThat(page.locator("#flowKey-error"))
        .hasText("may hold only letters, digits and . _ : @ -");
    assertThat(page.locator("#form-problem [role=alert]")).isVisible();
    shot(page, "form-errors");
    as(key).get("/api/v1/schedules").then().body("items.size()", org.hamcrest.Matchers.equalTo(0));
    page.close();
  }

  @Test
  void aBodyItsTaskTypeRefusesIsShownProblemByProblemNextToTheBody() {
    String key = Api.newTenant();
    as(key)
        .body(
            "{\"bodySchema\": {\"type\": \"object\", \"required\": [\"email\"],"
                + " \"properties\": {\"email\": {\"type\": \"string\"},"
                + " \"count\": {\"type\": \"integer\"}}}}")
        .put("/api/v1/task-types/signup")
        .then()
        .statusCode(201);
    Page page = signedIn(key, 1280);
    link(page, "New schedule").click();
    page.getByLabel("Cron expression").fill("0 3 * * *");
    page.getByLabel("URL").fill("https://example.com/hooks/signup");
    page.getByLabel("Task type (optional)").fill("signup");
    page.getByLabel("Body").fill("{\"count\": \"two\"}");
    button(page, "Create").click();
    assertThat(page.locator("#body-error"))
        .containsText("email: required property 'email' not found");
    assertThat(page.locator("#body-error")).containsText("count: string found, integer expected");
    as(key).get("/api/v1/schedules").then().body("items.size()", org.hamcrest.Matchers.equalTo(0));

    page.getByLabel("Body").fill("{\"email\": \"a@example.com\"}");
    button(page, "Create").click();
    assertThat(page.locator("dl")).containsText("signup");
    page.close();
  }

  @Test
  void intervalWithAnEndAndAnExcludedDateIsPreviewedSavedAndShown() {
    String key = Api.newTenant();
    Page page = signedIn(key, 1280);
    link(page, "New schedule").click();
    page.getByLabel("Name", new Page.GetByLabelOptions().setExact(true)).fill("twice-daily");
    page.getByLabel("Fires").selectOption("every");
    page.getByLabel("Every").fill("12h");
    java.time.LocalDate tomorrow = java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(1);
    String start = tomorrow.minusDays(1) + "T00:00:00Z";
    page.getByLabel("Starting at (optional)").fill(start);
    String end = tomorrow.plusDays(3) + "T00:00:00Z";
    page.getByLabel("Ending at (optional)").fill(end);
    page.getByLabel("Time zone").fill("UTC");
    page.getByLabel("Runs missed while down").selectOption("skip");
    page.getByLabel("Missed when later than").fill("30s");

    // A bad date is named next to its field.
    page.getByLabel("Not on these dates (optional)").fill(tomorrow + ", 2026-13-01");
    assertThat(page.locator("#excludeDates-error"))
        .hasText("'2026-13-01' is not a local date like 2026-12-25");

    // What is left of today (0 or 1), nothing tomorrow, then 00:00 and 12:00 up to endAt (5).
    page.getByLabel("Not on these dates (optional)").fill(tomorrow.toString());
    page.getByLabel("URL").fill("https://example.com/hooks/twice");
    page.getByLabel("Flow key (optional)").fill("partner-api");
    assertThat(page.locator("#excludeDates-error")).hasText("");
    assertThat(page.locator("#preview li")).hasCount(5);
    assertNoneOn(page.locator("#preview li time"), tomorrow);
    shot(page, "form-bounds");
    button(page, "Create").click();

    assertThat(page.locator("h1")).containsText("twice-daily");
    assertThat(page.locator("dl.definition")).containsText("partner-api");
    assertThat(page.locator("dl.definition dd", new Page.LocatorOptions().setHasText("until")))
        .hasCount(1);
    assertThat(page.locator("dl.definition dt", new Page.LocatorOptions().setHasText("Not on")))
        .hasCount(1);
    assertThat(page.locator("dl.definition")).containsText("runs later than 30s are skipped");
    Locator next = page.locator("ol li time");
    assertThat(next.first()).isVisible();
    org.assertj.core.api.Assertions.assertThat(next.count()).isBetween(5, 6);
    assertNoneOn(next, tomorrow);
    assertThat(next.last())
        .hasAttribute("title", java.util.regex.Pattern.compile("^" + end.replace("Z", ".000Z")));
    shot(page, "detail-bounds");
    as(key)
        .get("/api/v1/schedules")
        .then()
        .body("items[0].schedule.excludeDates", org.hamcrest.Matchers.contains(tomorrow.toString()))
        .body("items[0].schedule.timezone", org.hamcrest.Matchers.equalTo("UTC"))
        .body("items[0].schedule.misfire.policy", org.hamcrest.Matchers.equalTo("skip"))
        .body("items[0].schedule.misfire.threshold", org.hamcrest.Matchers.equalTo("PT30S"));
    page.close();
  }

  private static void assertNoneOn(Locator times, java.time.LocalDate day) {
    List<?> titles = (List<?>) times.evaluateAll("ts => ts.map(t => t.title)");
    org.assertj.core.api.Assertions.assertThat(titles)
        .isNotEmpty()
        .noneMatch(title -> title.toString().startsWith(day + "T"));
  }

  @Test
  void failedExecutionShowsItsReasonInTheHistoryAndAmongDeadLetters() {
    String key = Api.newTenant();
    String id = Api.create(key, Api.cronSchedule("flaky-target"));
    TestDatabase db = TestDatabase.shared();
    var schedules = new ScheduleRepository(db.dataSource());
    UUID tenant = Api.tenantOf(id);
    var row = schedules.find(tenant, ScheduleKey.byId(UUID.fromString(id))).orElseThrow();
    new ExecutionRepository(db.dataSource())
        .append(List.of(Fixtures.anAttempt(row, 1, false), Fixtures.anAttempt(row, 2, true)));

    Page page = signedIn(key, 1280);
    page.locator("a", new Page.LocatorOptions().setHasText("flaky-target")).click();
    Locator history = page.locator("table").last();
    assertThat(history).containsText("HTTP 503");
    assertThat(history).containsText("FAILED 503");
    assertThat(history).containsText("(last)");
    shot(page, "detail-failure");

    link(page, "Dead letters").click();
    assertThat(page.locator("tbody")).containsText("flaky-target");
    assertThat(page.locator("tbody")).containsText("HTTP 503");
    shot(page, "dead-letters");

    link(page, "Overview").click();
    assertThat(page.locator(".cards")).containsText("ACTIVE");
    shot(page, "overview");
    page.close();
  }

  @Test
  void listIsUsableOnANarrowScreenAndAWrongKeyIsRefused() {
    String key = Api.newTenant();
    Api.create(key, Api.cronSchedule("phone-view"));
    Page page = signedIn(key, 390);
    assertThat(page.locator("tbody tr")).hasCount(1);
    assertThat(page.locator("th.hide-narrow").first()).isHidden();
    shot(page, "list-narrow");
    page.close();

    Page wrong = newPage(new Browser.NewPageOptions());
    wrong.navigate(ui.toString());
    wrong.getByLabel("API key").fill("sk_AAAAAAAAAAAA_" + "x".repeat(32));
    wrong
        .getByRole(
            com.microsoft.playwright.options.AriaRole.BUTTON,
            new Page.GetByRoleOptions().setName("Sign in"))
        .click();
    assertThat(wrong.locator("[role=alert]")).hasText("That API key is not valid.");
    wrong.close();
  }

  @Test
  void theDashboardIsServedWithAStrictContentSecurityPolicyAndCannotBeFramed() throws Exception {
    Page page = newPage(new Browser.NewPageOptions());
    com.microsoft.playwright.Response response = page.navigate(ui.toString());
    Map<String, String> headers = response.headers();
    String csp = headers.getOrDefault("content-security-policy", "");
    org.assertj.core.api.Assertions.assertThat(csp)
        .contains("default-src 'none'")
        .contains("script-src 'self'")
        .contains("style-src 'self'")
        .contains("connect-src 'self'")
        .contains("frame-ancestors 'none'")
        .contains("base-uri 'none'")
        .contains("form-action 'none'")
        .doesNotContain("unsafe");
    org.assertj.core.api.Assertions.assertThat(headers)
        .containsEntry("x-content-type-options", "nosniff")
        .containsEntry("referrer-policy", "no-referrer")
        .containsEntry("x-frame-options", "DENY")
        .containsEntry("cross-origin-opener-policy", "same-origin");
    for (String asset : List.of("app.js", "app.css")) {
      org.assertj.core.api.Assertions.assertThat(
              page.request().get(ui + asset).headers().get("x-content-type-options"))
          .as(asset)
          .isEqualTo("nosniff");
    }
    // The sign-in page renders its form without inline styles the policy would refuse.
    assertThat(page.getByLabel("API key")).isVisible();
    // A page of another origin (127.0.0.1 instead of localhost, an answer with no policy of its
    // own) that frames the dashboard gets nothing.
    page.navigate(new URL(ui, "/q/health/live").toString().replace("//localhost:", "//127.0.0.1:"));
    // setContent returns after the load event, which waits for the frame.
    page.setContent("<iframe id=f src='" + ui + "'></iframe>");
    com.microsoft.playwright.Frame framed =
        page.frames().stream().filter(f -> f != page.mainFrame()).findFirst().orElseThrow();
    org.assertj.core.api.Assertions.assertThat(framed.url()).doesNotStartWith(ui.toString());
    org.assertj.core.api.Assertions.assertThat(framed.locator("#main").count()).isZero();
    page.waitForCondition(() -> violations.stream().anyMatch(v -> v.contains("frame-ancestors")));
    violations.removeIf(v -> v.contains("frame-ancestors 'none'"));
    page.close();
  }

  @Test
  void aReadOnlyKeyBrowsesEverythingItMayReadWithEveryChangeDisabled() {
    String owner = Api.newTenant();
    String id = Api.create(owner, Api.cronSchedule("read-only-view"));
    String reader =
        as(owner)
            .body("{\"name\": \"viewer\", \"scopes\": [\"schedules:read\"]}")
            .post("/api/v1/api-keys")
            .then()
            .statusCode(201)
            .extract()
            .path("key");
    Page page = signedIn(reader, 1280);
    assertThat(page.locator("tbody tr")).hasCount(1);
    assertThat(link(page, "New schedule")).hasAttribute("aria-disabled", "true");

    page.navigate(ui + "#/schedules/" + id);
    assertThat(page.locator("h1")).containsText("read-only-view");
    for (String action : List.of("Pause", "Trigger now", "Edit", "Delete")) {
      assertThat(button(page, action)).isDisabled();
      assertThat(button(page, action))
          .hasAttribute("title", "This API key lacks the scope schedules:write");
    }
    assertThat(page.getByText("This API key lacks the scope history:read.")).isVisible();
    shot(page, "read-only-schedule");

    page.navigate(ui + "#/new");
    assertThat(button(page, "Create")).isDisabled();
    assertThat(page.locator("[role=note]")).containsText("schedules:write");

    // The owner's key, in the same browser, may do all of it.
    Page full = signedIn(owner, 1280);
    full.navigate(ui + "#/schedules/" + id);
    assertThat(button(full, "Pause")).isEnabled();
    assertThat(link(full, "New schedule")).not().hasAttribute("aria-disabled", "true");
    page.close();
    full.close();
  }
}
