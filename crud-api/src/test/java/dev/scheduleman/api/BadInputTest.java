package dev.scheduleman.api;

import static dev.scheduleman.api.Api.TARGET;
import static dev.scheduleman.api.Api.as;
import static dev.scheduleman.api.Api.create;
import static dev.scheduleman.api.Api.cronSchedule;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import dev.scheduleman.storage.testing.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of bad input gets a 4xx problem document that names the offending field, and nothing
 * is written. One row per case: what is sent, the status, the field the problem names.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class BadInputTest {

  private static final String URL = "\"url\": \"" + TARGET + "\"";
  private static final String CRON = "{\"cron\": \"0 3 * * *\"}";

  @TestHTTPResource("/")
  URL base;

  private String key;

  @BeforeEach
  void newTenant() {
    key = Api.newTenant();
  }

  static String body(String spec, String target) {
    return "{\"schedule\": " + spec + ", \"target\": " + target + "}";
  }

  static String withSpec(String spec) {
    return body(spec, "{" + URL + "}");
  }

  static String withTarget(String target) {
    return body(CRON, target);
  }

  static String withRetry(String retry) {
    return "{\"schedule\": " + CRON + ", \"target\": {" + URL + "}, \"retry\": " + retry + "}";
  }

  static String withPriority(String priority) {
    return "{\"schedule\": "
        + CRON
        + ", \"target\": {"
        + URL
        + "}, \"priority\": "
        + priority
        + "}";
  }

  /** A JSON array of {@code count} consecutive dates. */
  private static String dates(int count) {
    return java.util.stream.IntStream.range(0, count)
        .mapToObj(i -> "\"" + java.time.LocalDate.of(2030, 1, 1).plusDays(i) + "\"")
        .collect(java.util.stream.Collectors.joining(",", "[", "]"));
  }

  /** Every Christmas from this year to 2030, as a JSON array. */
  private static String christmases() {
    int year = java.time.Year.now(java.time.ZoneOffset.UTC).getValue();
    return java.util.stream.IntStream.rangeClosed(year, 2030)
        .mapToObj(y -> "\"" + y + "-12-25\"")
        .collect(java.util.stream.Collectors.joining(",", "[", "]"));
  }

  static Stream<Arguments> badSchedules() {
    String past = Instant.now().minus(Duration.ofMinutes(5)).toString();
    String soon = Instant.now().plus(Duration.ofMinutes(5)).toString();
    return Stream.of(
        // control characters: PostgreSQL cannot store a NUL, and the write must not get that far
        Arguments.of(
            "NUL in the description",
            "{\"description\": \"a\\u0000b\", \"schedule\": "
                + CRON
                + ", \"target\": {"
                + URL
                + "}}",
            422,
            "description"),
        Arguments.of(
            "NUL in a label",
            "{\"labels\": {\"team\": \"a\\u0000\"}, \"schedule\": "
                + CRON
                + ", \"target\": {"
                + URL
                + "}}",
            422,
            "labels.team"),
        Arguments.of(
            "escape character in a label",
            "{\"labels\": {\"team\": \"\\u001b[31mred\"}, \"schedule\": "
                + CRON
                + ", \"target\": {"
                + URL
                + "}}",
            422,
            "labels.team"),
        Arguments.of(
            "NUL in the body",
            withTarget("{" + URL + ", \"body\": \"x\\u0000\"}"),
            422,
            "target.body"),
        // malformed or mistyped JSON
        Arguments.of("malformed JSON", "{\"schedule\": ", 400, "body"),
        Arguments.of("not an object", "[1, 2]", 400, "body"),
        Arguments.of("trailing garbage", withSpec(CRON) + " x", 400, "body"),
        Arguments.of("unknown top-level field", "{\"nmae\": \"x\"}", 400, "nmae"),
        Arguments.of(
            "unknown nested field",
            withTarget("{" + URL + ", \"verb\": \"GET\"}"),
            400,
            "target.verb"),
        Arguments.of("duplicate key", "{\"name\": \"a\", \"name\": \"b\"}", 400, "body"),
        Arguments.of("number for a string", withTarget("{\"url\": 42}"), 400, "target.url"),
        Arguments.of(
            "string for an integer",
            withRetry("{\"maxAttempts\": \"5\"}"),
            400,
            "retry.maxAttempts"),
        Arguments.of(
            "fraction for an integer",
            withRetry("{\"maxAttempts\": 2.5}"),
            400,
            "retry.maxAttempts"),
        Arguments.of("object for a string", "{\"name\": {\"a\": 1}}", 400, "name"),
        Arguments.of("array for an object", "{\"schedule\": []}", 400, "schedule"),
        // missing or conflicting parts
        Arguments.of("missing schedule", "{\"target\": {" + URL + "}}", 422, "schedule"),
        Arguments.of("missing target", "{\"schedule\": " + CRON + "}", 422, "target"),
        Arguments.of("missing url", withTarget("{\"method\": \"POST\"}"), 422, "target.url"),
        Arguments.of("empty spec", withSpec("{}"), 422, "schedule"),
        Arguments.of(
            "two spec kinds",
            withSpec("{\"cron\": \"* * * * *\", \"every\": \"5m\"}"),
            422,
            "schedule"),
        // specs
        Arguments.of("malformed cron", withSpec("{\"cron\": \"every day\"}"), 422, "schedule.cron"),
        Arguments.of(
            "cron minute out of range",
            withSpec("{\"cron\": \"61 * * * *\"}"),
            422,
            "schedule.cron"),
        Arguments.of(
            "cron with too many fields",
            withSpec("{\"cron\": \"* * * * * * *\"}"),
            422,
            "schedule.cron"),
        Arguments.of(
            "unknown time zone",
            withSpec("{\"cron\": \"0 3 * * *\", \"timezone\": \"Mars/Olympus\"}"),
            422,
            "schedule.timezone"),
        Arguments.of(
            "time zone on an interval",
            withSpec("{\"every\": \"5m\", \"timezone\": \"UTC\"}"),
            422,
            "schedule.timezone"),
        // bounds and exclusions
        Arguments.of(
            "endAt before startAt",
            withSpec(
                "{\"cron\": \"0 3 * * *\", \"startAt\": \"2030-01-02T00:00:00Z\","
                    + " \"endAt\": \"2030-01-01T00:00:00Z\"}"),
            422,
            "schedule.endAt"),
        Arguments.of(
            "endAt before an interval's start",
            withSpec(
                "{\"every\": \"1h\", \"startAt\": \"2030-01-02T00:00:00Z\","
                    + " \"endAt\": \"2030-01-01T00:00:00Z\"}"),
            422,
            "schedule.endAt"),
        Arguments.of(
            "endAt already past",
            withSpec("{\"cron\": \"0 3 * * *\", \"endAt\": \"" + past + "\"}"),
            422,
            "schedule.endAt"),
        Arguments.of(
            "endAt before the first occurrence",
            withSpec("{\"cron\": \"0 0 1 1 *\", \"endAt\": \"" + soon + "\"}"),
            422,
            "schedule.endAt"),
        Arguments.of(
            "endAt not an instant",
            withSpec("{\"cron\": \"0 3 * * *\", \"endAt\": \"next year\"}"),
            422,
            "schedule.endAt"),
        Arguments.of(
            "excluded date not a date",
            withSpec("{\"cron\": \"0 3 * * *\", \"excludeDates\": [\"2030-12-25\", \"Dec 26\"]}"),
            422,
            "schedule.excludeDates[1]"),
        Arguments.of(
            "too many excluded dates",
            withSpec("{\"cron\": \"0 3 * * *\", \"excludeDates\": " + dates(367) + "}"),
            422,
            "schedule.excludeDates"),
        Arguments.of(
            "exclusions leave no occurrence",
            withSpec(
                "{\"cron\": \"0 3 25 12 *\", \"endAt\": \"2031-01-01T00:00:00Z\","
                    + " \"excludeDates\": "
                    + christmases()
                    + "}"),
            422,
            "schedule.excludeDates"),
        Arguments.of(
            "bounds on a one-off",
            withSpec("{\"delay\": \"1h\", \"endAt\": \"2030-01-01T00:00:00Z\"}"),
            422,
            "schedule.endAt"),
        Arguments.of(
            "exclusions on a one-off",
            withSpec("{\"at\": \"2030-01-01T00:00:00Z\", \"excludeDates\": []}"),
            422,
            "schedule.excludeDates"),
        Arguments.of(
            "startAt on a one-off",
            withSpec("{\"at\": \"2030-01-01T00:00:00Z\", \"startAt\": \"2029-01-01T00:00:00Z\"}"),
            422,
            "schedule.startAt"),
        Arguments.of(
            "unknown zone for an interval's exclusions",
            withSpec(
                "{\"every\": \"1h\", \"timezone\": \"Mars/Olympus\","
                    + " \"excludeDates\": [\"2030-12-25\"]}"),
            422,
            "schedule.timezone"),
        Arguments.of(
            "unknown misfire policy",
            withSpec("{\"cron\": \"0 3 * * *\", \"misfire\": {\"policy\": \"sometimes\"}}"),
            422,
            "schedule.misfire.policy"),
        Arguments.of(
            "misfire threshold of zero",
            withSpec(
                "{\"every\": \"1h\", \"misfire\": {\"policy\": \"skip\", \"threshold\": \"0s\"}}"),
            422,
            "schedule.misfire.threshold"),
        Arguments.of(
            "misfire threshold not a duration",
            withSpec("{\"every\": \"1h\", \"misfire\": {\"threshold\": \"a while\"}}"),
            422,
            "schedule.misfire.threshold"),
        Arguments.of(
            "misfire catching up too many",
            withSpec(
                "{\"every\": \"1h\", \"misfire\": {\"policy\": \"all\", \"maxCatchUp\": 5000}}"),
            422,
            "schedule.misfire.maxCatchUp"),
        Arguments.of(
            "window of zero",
            withSpec("{\"every\": \"1h\", \"window\": \"0s\"}"),
            422,
            "schedule.window"),
        Arguments.of(
            "window longer than a day",
            withSpec("{\"delay\": \"1h\", \"window\": \"25h\"}"),
            422,
            "schedule.window"),
        Arguments.of(
            "window longer than the interval",
            withSpec("{\"every\": \"1h\", \"window\": \"90m\"}"),
            422,
            "schedule.window"),
        Arguments.of(
            "window longer than the cron cadence",
            withSpec("{\"cron\": \"0 9,10 * * *\", \"window\": \"2h\"}"),
            422,
            "schedule.window"),
        Arguments.of(
            "window not a duration",
            withSpec("{\"cron\": \"0 3 * * *\", \"window\": \"a bit\"}"),
            422,
            "schedule.window"),
        Arguments.of(
            "misfire policy on a one-off",
            withSpec("{\"delay\": \"1h\", \"misfire\": {\"policy\": \"skip\"}}"),
            422,
            "schedule.misfire"),
        Arguments.of(
            "unknown field in misfire",
            withSpec("{\"every\": \"1h\", \"misfire\": {\"policy\": \"skip\", \"often\": true}}"),
            400,
            "schedule.misfire.often"),
        Arguments.of(
            "at too far in the past", withSpec("{\"at\": \"" + past + "\"}"), 422, "schedule.at"),
        Arguments.of("at not an instant", withSpec("{\"at\": \"tomorrow\"}"), 422, "schedule.at"),
        Arguments.of("zero interval", withSpec("{\"every\": \"0s\"}"), 422, "schedule.every"),
        Arguments.of("negative interval", withSpec("{\"every\": \"-5m\"}"), 422, "schedule.every"),
        Arguments.of(
            "interval below the minimum",
            withSpec("{\"every\": \"500ms\"}"),
            422,
            "schedule.every"),
        Arguments.of(
            "bad duration syntax", withSpec("{\"delay\": \"5 minutes\"}"), 422, "schedule.delay"),
        // targets
        Arguments.of(
            "url without scheme", withTarget("{\"url\": \"example.com/x\"}"), 422, "target.url"),
        Arguments.of(
            "ftp url", withTarget("{\"url\": \"ftp://example.com/x\"}"), 422, "target.url"),
        Arguments.of(
            "loopback target",
            withTarget("{\"url\": \"http://127.0.0.1:8090/echo\"}"),
            422,
            "target.url"),
        Arguments.of(
            "metadata target",
            withTarget("{\"url\": \"http://169.254.169.254/latest/meta-data\"}"),
            422,
            "target.url"),
        Arguments.of(
            "private network target",
            withTarget("{\"url\": \"http://10.0.0.8/\"}"),
            422,
            "target.url"),
        Arguments.of(
            "url too long",
            withTarget("{\"url\": \"https://example.com/" + "a".repeat(2100) + "\"}"),
            422,
            "target.url"),
        Arguments.of(
            "unknown method",
            withTarget("{" + URL + ", \"method\": \"BREW\"}"),
            422,
            "target.method"),
        Arguments.of(
            "reserved header",
            withTarget("{" + URL + ", \"headers\": {\"webhook-id\": \"x\"}}"),
            422,
            "target.headers.webhook-id"),
        Arguments.of(
            "too many headers",
            withTarget(
                "{"
                    + URL
                    + ", \"headers\": {"
                    + String.join(
                        ",",
                        java.util.stream.IntStream.range(0, 33)
                            .mapToObj(i -> "\"X-H" + i + "\": \"v\"")
                            .toList())
                    + "}}"),
            422,
            "target.headers"),
        Arguments.of(
            "body too large",
            withTarget("{" + URL + ", \"body\": \"" + "x".repeat(65 * 1024) + "\"}"),
            422,
            "target.body"),
        Arguments.of(
            "timeout too long",
            withTarget("{" + URL + ", \"timeout\": \"31s\"}"),
            422,
            "target.timeout"),
        Arguments.of(
            "flow key with a space",
            withTarget("{" + URL + ", \"flowKey\": \"partner api\"}"),
            422,
            "target.flowKey"),
        Arguments.of(
            "empty flow key",
            withTarget("{" + URL + ", \"flowKey\": \"\"}"),
            422,
            "target.flowKey"),
        Arguments.of(
            "task type with a space",
            withTarget("{" + URL + ", \"body\": \"{}\", \"taskType\": \"merge pools\"}"),
            422,
            "target.taskType"),
        Arguments.of(
            "task type without a body",
            withTarget("{" + URL + ", \"taskType\": \"merge-pools\"}"),
            422,
            "target.body"),
        Arguments.of(
            "undeclared task type",
            withTarget("{" + URL + ", \"body\": \"{}\", \"taskType\": \"nobody-declared-it\"}"),
            422,
            "target.taskType"),
        Arguments.of(
            "flow key too long",
            withTarget("{" + URL + ", \"flowKey\": \"" + "k".repeat(201) + "\"}"),
            422,
            "target.flowKey"),
        // names and retries
        Arguments.of(
            "name too long",
            "{\"name\": \""
                + "n".repeat(201)
                + "\", \"schedule\": "
                + CRON
                + ", \"target\": {"
                + URL
                + "}}",
            422,
            "name"),
        Arguments.of(
            "name with spaces",
            "{\"name\": \"my job\", \"schedule\": " + CRON + ", \"target\": {" + URL + "}}",
            422,
            "name"),
        Arguments.of(
            "maxAttempts zero", withRetry("{\"maxAttempts\": 0}"), 422, "retry.maxAttempts"),
        Arguments.of(
            "maxAttempts over the limit",
            withRetry("{\"maxAttempts\": 101}"),
            422,
            "retry.maxAttempts"),
        Arguments.of(
            "minBackoff above maxBackoff",
            withRetry("{\"minBackoff\": \"10m\", \"maxBackoff\": \"1m\"}"),
            422,
            "retry.minBackoff"),
        Arguments.of(
            "unknown onExhausted",
            withRetry("{\"onExhausted\": \"explode\"}"),
            422,
            "retry.onExhausted"),
        Arguments.of("priority above 9", withPriority("10"), 422, "priority"),
        Arguments.of("negative priority", withPriority("-1"), 422, "priority"),
        Arguments.of("priority as a word", withPriority("\"high\""), 400, "priority"),
        Arguments.of("fractional priority", withPriority("4.5"), 400, "priority"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badSchedules")
  void badScheduleIsRefusedWithAProblemNamingTheFieldAndNothingIsWritten(
      String why, String body, int status, String field) {
    Response response = as(key).body(body).post("/api/v1/schedules");

    response
        .then()
        .statusCode(status)
        .contentType("application/problem+json")
        .body("status", org.hamcrest.Matchers.equalTo(status))
        .body("title", org.hamcrest.Matchers.notNullValue())
        .body("errors.field", hasItem(field))
        .body(not(containsString("Exception")))
        .body(not(containsString("java.")));
    as(key)
        .get("/api/v1/schedules")
        .then()
        .statusCode(200)
        .body("items", org.hamcrest.Matchers.empty());
  }

  static Stream<Arguments> badRequests() {
    return Stream.of(
        Arguments.of("bad cursor", "GET", "/api/v1/schedules?cursor=not-a-cursor", 400, "cursor"),
        Arguments.of(
            "cursor of another list", "GET", "/api/v1/schedules?cursor=ZToxOjE", 400, "cursor"),
        Arguments.of("limit out of range", "GET", "/api/v1/schedules?limit=0", 400, "limit"),
        Arguments.of(
            "unknown state filter", "GET", "/api/v1/schedules?state=SLEEPING", 400, "state"),
        Arguments.of(
            "label filter without value", "GET", "/api/v1/schedules?label=team", 400, "label"),
        Arguments.of(
            "next count out of range",
            "GET",
            "/api/v1/schedules/%s/next?count=1000",
            400,
            "count"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRequests")
  void badParameterIsRefusedWithAProblemNamingIt(
      String why, String method, String path, int status, String field) {
    String id = create(key, cronSchedule("existing"));
    as(key)
        .request(method, path.formatted(id))
        .then()
        .statusCode(status)
        .contentType("application/problem+json")
        .body("errors.field", hasItem(field));
  }

  @Test
  void unknownAndMalformedIdsAreNotFound() {
    as(key)
        .get("/api/v1/schedules/0190f3a8-0000-7000-8000-000000000000")
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
    as(key).get("/api/v1/schedules/not-a-uuid").then().statusCode(404);
    as(key).get("/api/v1/schedules/%27%3B%20drop%20table").then().statusCode(404);
    as(key).body(cronSchedule(null)).put("/api/v1/schedules/123").then().statusCode(404);
    as(key).delete("/api/v1/api-keys/xyz").then().statusCode(404);
  }

  @Test
  void malformedIfMatchIsABadRequestAndAStaleOneFailsThePrecondition() {
    String id = create(key, cronSchedule("guarded"));
    as(key)
        .header("If-Match", "3")
        .body(cronSchedule("guarded"))
        .put("/api/v1/schedules/" + id)
        .then()
        .statusCode(400)
        .body("errors[0].field", org.hamcrest.Matchers.equalTo("If-Match"));
    as(key)
        .header("If-Match", "\"7\"")
        .body(cronSchedule("guarded"))
        .put("/api/v1/schedules/" + id)
        .then()
        .statusCode(412)
        .contentType("application/problem+json");
    as(key).get("/api/v1/schedules/" + id).then().header("ETag", "\"1\"");
  }

  @Test
  void wrongMethodMediaTypeAndMissingKeyAreProblems() {
    as(key)
        .delete("/api/v1/schedules")
        .then()
        .statusCode(405)
        .contentType("application/problem+json");
    as(key)
        .contentType("text/plain")
        .body("hello")
        .post("/api/v1/schedules")
        .then()
        .statusCode(415)
        .contentType("application/problem+json");
    given()
        .get("/api/v1/schedules")
        .then()
        .statusCode(401)
        .header("WWW-Authenticate", "Bearer")
        .contentType("application/problem+json");
    given()
        .auth()
        .oauth2("sk_AAAAAAAAAAAA_" + "x".repeat(32))
        .get("/api/v1/schedules")
        .then()
        .statusCode(401);
    given()
        .header("Authorization", "Basic dXNlcjpwdw==")
        .get("/api/v1/schedules")
        .then()
        .statusCode(401);
  }

  @Test
  void oversizedHeadersAreRefused() {
    as(key)
        .header("X-Big", "x".repeat(20 * 1024))
        .get("/api/v1/schedules")
        .then()
        .statusCode(
            org.hamcrest.Matchers.allOf(
                org.hamcrest.Matchers.greaterThanOrEqualTo(400),
                org.hamcrest.Matchers.lessThan(500)));
  }

  /**
   * The client declares a 5 MiB body and sends none of it; the server answers 413 at once instead
   * of waiting for (and buffering) the body.
   */
  @Test
  void bodyOverTheLimitIsRefusedBeforeItIsRead() throws Exception {
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      String head =
          "POST /api/v1/schedules HTTP/1.1\r\n"
              + "Host: localhost\r\n"
              + "Authorization: Bearer "
              + key
              + "\r\n"
              + "Content-Type: application/json\r\n"
              + "Content-Length: "
              + (5 * 1024 * 1024)
              + "\r\n\r\n";
      // Only the head goes out: the answer must come without a single byte of the body.
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.flush();

      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[4096];
      int n = in.read(buffer);
      String response = new String(buffer, 0, Math.max(n, 0), StandardCharsets.US_ASCII);
      assertThat(response).startsWith("HTTP/1.1 413");
      assertThat(response).contains("application/problem+json");
    }
    as(key).get("/api/v1/schedules").then().body("items", org.hamcrest.Matchers.empty());
  }
}
