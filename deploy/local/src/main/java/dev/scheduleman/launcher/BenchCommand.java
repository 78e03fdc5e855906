package dev.scheduleman.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scheduleman.sdk.time.Durations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./scheduleman bench}: starts the suite on a fresh database of its own, creates schedules
 * through the API that fire at a receiver (a light one inside this process, or waitecho), waits
 * until it has received them all, and reports throughput, lateness, duplicates and missing
 * deliveries, the CPU each process used and the statements the database ran per delivery, with an
 * HTML plot of arrivals.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Measures Scheduleman on this machine: N one-off schedules, due at once or spread over a"
          + " time, delivered by the executors to a receiver; reports throughput, lateness,"
          + " duplicates, CPU per process and SQL statements per delivery.",
      "Runs on its own database (in .scheduleman/bench, wiped each run) with the ports of 'up'."
    })
final class BenchCommand implements Callable<Integer> {

  private static final int BATCH = 1000;

  /** Warm-up bursts at most. */
  private static final int WARMUP_WAVES = 4;

  /** Warm: the compilers took less than this share of the executors' CPU in a warm-up burst. */
  private static final double WARM_SHARE = 0.10;

  /** How long to wait at most after a warm-up burst for the compilers to go quiet. */
  private static final Duration COMPILERS_QUIET_WITHIN = Duration.ofSeconds(30);

  /** Quiet: the executors' compilers used less than this over the last second, together. */
  private static final Duration COMPILERS_QUIET = Duration.ofMillis(30);

  private static final ObjectMapper JSON = new ObjectMapper();

  @Mixin SuiteOptions suite = new SuiteOptions();

  @Option(
      names = "--schedules",
      defaultValue = "10000",
      description = "Schedules to create (default: ${DEFAULT-VALUE}).")
  int schedules;

  @Option(
      names = "--spread",
      defaultValue = "0s",
      description =
          "Time over which fire times are spread evenly; 0s: all due at the same instant"
              + " (default: ${DEFAULT-VALUE}).")
  String spread;

  @Option(
      names = "--stored",
      defaultValue = "0",
      description =
          "Schedules to store beforehand, all due in a month, to show that an idle claim does not"
              + " depend on how many are stored: prints the claim's plan and timing.")
  int stored;

  @Option(
      names = "--history",
      defaultValue = "0",
      description =
          "Attempts to store beforehand in the history, fired evenly over the last six days, to"
              + " show that a long history does not slow the hot path.")
  long history;

  @Option(
      names = "--database-only",
      defaultValue = "0",
      description =
          "Triggers to claim and complete with the executors' statements and no HTTP, by as many"
              + " workers as --executors: the database's own ceiling (deliveries/s, PostgreSQL CPU"
              + " per delivery).")
  int databaseOnly;

  @Option(
      names = "--warmup",
      defaultValue = "20000",
      description =
          "Schedules fired in a burst before measuring, repeated (up to 4 times) until the"
              + " executors' just-in-time compilers take under 10%% of their CPU, so that the JVMs"
              + " are warm and the connections open; 0 measures from cold"
              + " (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(
      names = "--timeout",
      defaultValue = "5m",
      description = "How long to wait for the last delivery after the last fire time.")
  String timeout;

  @Option(
      names = "--executor-env",
      description =
          "Environment for the executors, to try a setting: --executor-env"
              + " SCHEDULEMAN_EXECUTOR_MAX_IN_FLIGHT=2000 (repeatable).")
  Map<String, String> executorEnv = new java.util.LinkedHashMap<>();

  /** Where the webhooks go. */
  enum ReceiverKind {
    light,
    waitecho
  }

  @Option(
      names = "--receiver",
      defaultValue = "light",
      description =
          "light: a minimal receiver inside the benchmark (records ids and arrivals, answers 200,"
              + " checks no signature), so the figures are Scheduleman's; waitecho: the suite's"
              + " mock receiver, checking signatures unless --no-signature-check"
              + " (default: ${DEFAULT-VALUE}).")
  ReceiverKind receiverKind;

  @Option(
      names = "--no-signature-check",
      description =
          "With --receiver waitecho: do not have it verify every signature (it then costs the"
              + " receiver less).")
  boolean noSignatureCheck;

  @Option(
      names = "--other-tenant",
      description =
          "Also give a second tenant one schedule, due a second after the burst's first, and"
              + " report how late it fired: whether a tenant with a flood due holds up another"
              + " tenant's work.")
  boolean otherTenant;

  @Option(
      names = "--profile",
      description =
          "Record a Java Flight Recording of every service (profile settings) into the state"
              + " folder, to find where the time goes.")
  boolean profile;

  @Option(
      names = "--state-dir",
      defaultValue = ".scheduleman/bench",
      description = "Where the benchmark's database and logs live (default: ${DEFAULT-VALUE}).")
  Path stateDir;

  @Override
  public Integer call() throws Exception {
    if (schedules < 0 || schedules > 1_000_000) {
      throw new LauncherException("--schedules must be 0 to 1000000, not " + schedules);
    }
    if (stored < 0 || stored > 10_000_000) {
      throw new LauncherException("--stored must be 0 to 10000000, not " + stored);
    }
    if (databaseOnly < 0 || databaseOnly > 1_000_000) {
      throw new LauncherException("--database-only must be 0 to 1000000, not " + databaseOnly);
    }
    if (history < 0 || history > 100_000_000) {
      throw new LauncherException("--history must be 0 to 100000000, not " + history);
    }
    Duration spreadOver = duration("--spread", spread, true);
    Duration wait = duration("--timeout", timeout, false);
    Distribution distribution = Distribution.locate();
    Path state = distribution.home().resolve(stateDir).normalize();
    deleteDatabase(state);
    Console.info(
        "Benchmark: %d schedules, %d executor%s, %s (state in %s) …",
        schedules,
        suite.executors,
        suite.executors == 1 ? "" : "s",
        spreadOver.isZero()
            ? "all due at once"
            : "spread over " + Durations.formatCompact(spreadOver),
        distribution.home().relativize(state));
    List<String> jvmOptions =
        profile
            ? List.of(
                "-XX:StartFlightRecording=settings=profile,filename="
                    + state.resolve("profile-{service}.jfr"))
            : List.of();
    try (Suite running =
        Suite.start(suite.toConfig(distribution, state, executorEnv, jvmOptions))) {
      return run(running, state, spreadOver, wait);
    }
  }

  private int run(Suite running, Path state, Duration spreadOver, Duration wait) throws Exception {
    String api = running.apiUrl() + "/api/v1";
    String key = running.adminKey();
    if (stored > 0) {
      IdleClaim.measure(running.postgres(), stored);
    }
    if (history > 0) {
      HistoryFill.fill(running.postgres(), history);
    }
    if (databaseOnly > 0) {
      DatabaseCeiling.measure(running, databaseOnly, suite.executors);
    }
    if (schedules == 0) {
      return 0;
    }
    try (Receiver receiver =
        receiverKind == ReceiverKind.light
            ? LightReceiver.start(1)
            : new WaitechoReceiver(running.waitecho())) {
      if (receiverKind == ReceiverKind.waitecho && !noSignatureCheck) {
        receiver.checkSignatures(
            call("GET", api + "/signing-secret", key, null).path("secret").asText());
      }
      receiver.reset();
      Processes processes = Processes.of(running, receiver);
      if (warmup > 0) {
        warmUp(api, key, receiver, processes);
      }

      // Fire times start once every schedule can be created (a few thousand a second here).
      Duration lead = Duration.ofSeconds(5 + schedules / 4000);
      Instant first = Instant.now().plus(lead).truncatedTo(ChronoUnit.SECONDS);
      long started = System.nanoTime();
      create(api, key, 0, schedules, first, spreadOver, receiver.url("/bench"));
      OtherTenant other =
          otherTenant ? OtherTenant.create(api, key, first.plusSeconds(1), receiver) : null;
      double createSeconds = (System.nanoTime() - started) / 1e9;
      Console.info(
          "  created %d schedules in %.1f s (%.0f/s); first due %s",
          schedules, createSeconds, schedules / createSeconds, first);
      if (Instant.now().isAfter(first)) {
        Console.info("  note: creating took longer than the lead; the first fires were late by it");
      }

      // What the drain costs: from the end of creation to the last delivery.
      DatabaseWork database = new DatabaseWork(running.postgres());
      database.start();
      Map<String, Duration> cpuBefore = processes.cpu();
      Map<String, Duration> compilersBefore = processes.compilers();
      long drainStarted = System.nanoTime();
      Instant deadline = first.plus(spreadOver).plus(wait);
      int expected = schedules + (other == null ? 0 : 1);
      JsonNode stats = awaitDeliveries(receiver, expected, deadline, true);
      Duration drain = Duration.ofNanos(System.nanoTime() - drainStarted);
      Map<String, Duration> cpu = Processes.since(cpuBefore, processes.cpu());
      Map<String, Duration> compilers = Processes.since(compilersBefore, processes.compilers());
      DatabaseWork.Report work = database.report();

      JsonNode timeline = receiver.timeline(Duration.ofMillis(100));
      Path report = writeReport(state, stats, timeline, spreadOver);
      printResult(stats, spreadOver, report);
      if (other != null) {
        other.report(api);
      }
      long delivered = stats.path("uniqueIds").asLong();
      printCost(delivered, drain, cpu, compilers, work);
      return delivered == expected ? 0 : 1;
    }
  }

  /**
   * Bursts of {@code warmup} deliveries until the executors are warm: a JVM's just-in-time compiler
   * defers the optimised compilation of hot code while its queue is long, so one burst leaves much
   * of the hot path half-compiled, and it would be compiled while being measured. Waves go on until
   * the compilers take less than {@link #WARM_SHARE} of the executors' CPU in a wave (at most
   * {@link #WARMUP_WAVES}), each followed by a wait until they are quiet.
   */
  private void warmUp(String api, String key, Receiver receiver, Processes processes)
      throws Exception {
    for (int wave = 1; wave <= WARMUP_WAVES; wave++) {
      Duration cpuBefore = processes.executorCpu();
      Duration compilersBefore = processes.executorCompilers();
      Instant due = Instant.now().plusSeconds(3 + warmup / 4000).truncatedTo(ChronoUnit.SECONDS);
      create(api, key, 0, warmup, due, Duration.ZERO, receiver.url("/warmup/" + wave));
      awaitDeliveries(receiver, warmup, due.plus(Duration.ofMinutes(2)), false);
      awaitQuietCompilers(processes);
      receiver.reset();
      double cpu = processes.executorCpu().minus(cpuBefore).toNanos();
      double share = processes.executorCompilers().minus(compilersBefore).toNanos() / cpu;
      Console.info(
          "  warm-up %d: %d schedules due at once; the JIT compilers took %.0f%% of the"
              + " executors' CPU",
          wave, warmup, 100 * share);
      if (share < WARM_SHARE) {
        return;
      }
    }
    Console.info("  note: the executors were still compiling after %d warm-ups", WARMUP_WAVES);
  }

  /** Waits (up to {@link #COMPILERS_QUIET_WITHIN}) until the executors' compilers are quiet. */
  private static void awaitQuietCompilers(Processes processes) throws InterruptedException {
    long started = System.nanoTime();
    Duration before = processes.executorCompilers();
    while (System.nanoTime() - started < COMPILERS_QUIET_WITHIN.toNanos()) {
      Thread.sleep(1000);
      Duration now = processes.executorCompilers();
      if (now.minus(before).compareTo(COMPILERS_QUIET) < 0) {
        return;
      }
      before = now;
    }
  }

  private static void create(
      String api, String key, int from, int total, Instant first, Duration spread, String url)
      throws IOException {
    for (int offset = from; offset < total; offset += BATCH) {
      call("POST", api + "/schedules/batch", key, batch(offset, total, first, spread, url));
    }
  }

  private static ObjectNode batch(
      int offset, int total, Instant first, Duration spreadOver, String url) {
    ObjectNode request = JSON.createObjectNode();
    ArrayNode items = request.putArray("items");
    int end = Math.min(total, offset + BATCH);
    for (int i = offset; i < end; i++) {
      long nanos = total == 1 ? 0 : spreadOver.toNanos() / total * i;
      Instant at = first.plusNanos(nanos).truncatedTo(ChronoUnit.MILLIS);
      ObjectNode item = items.addObject();
      item.putObject("schedule").put("at", at.toString());
      item.putObject("target").put("url", url).put("body", "{\"n\":" + i + "}");
      item.putObject("retry")
          .put("maxAttempts", 5)
          .put("minBackoff", "1s")
          .put("maxBackoff", "10s");
    }
    return request;
  }

  private JsonNode awaitDeliveries(
      Receiver receiver, int expected, Instant deadline, boolean progress) throws Exception {
    JsonNode stats = receiver.stats();
    long lastPrinted = -1;
    while (stats.path("uniqueIds").asLong() < expected && Instant.now().isBefore(deadline)) {
      long unique = stats.path("uniqueIds").asLong();
      if (progress && unique != lastPrinted && unique > 0) {
        Console.info("  delivered %d of %d …", unique, expected);
        lastPrinted = unique;
      }
      Thread.sleep(progress ? 1000 : 200);
      stats = receiver.stats();
    }
    // Retries and duplicates may still be arriving; give them a moment to be counted.
    Thread.sleep(1000);
    return receiver.stats();
  }

  private void printResult(JsonNode stats, Duration spreadOver, Path report) {
    long unique = stats.path("uniqueIds").asLong();
    JsonNode late = stats.path("lateness");
    Console.info("");
    int expected = schedules + (otherTenant ? 1 : 0);
    Console.info("  delivered     %d of %d (missing %d)", unique, expected, expected - unique);
    Console.info("  duplicates    %d", stats.path("duplicates").asLong());
    if (stats.hasNonNull("firstArrival") && stats.hasNonNull("lastArrival")) {
      Instant from = Instant.parse(stats.path("firstArrival").asText());
      Instant to = Instant.parse(stats.path("lastArrival").asText());
      double seconds = Math.max(0.001, Duration.between(from, to).toNanos() / 1e9);
      Console.info(
          "  throughput    %.0f deliveries/s (first to last arrival: %.2f s)",
          unique / seconds, seconds);
    }
    Console.info(
        "  lateness      p50 %s ms, p90 %s ms, p99 %s ms, max %s ms (%d first attempts)",
        late.path("p50Ms").asText("-"),
        late.path("p90Ms").asText("-"),
        late.path("p99Ms").asText("-"),
        late.path("maxMs").asText("-"),
        late.path("samples").asLong());
    JsonNode early = stats.path("early");
    Console.info(
        "  early         %d before their instant%s",
        early.path("count").asLong(),
        early.path("count").asLong() == 0
            ? ""
            : " (most " + early.path("mostMs").asText() + " ms early)");
    if (receiverKind == ReceiverKind.light) {
      Console.info("  receiver      light (in the benchmark; signatures not checked)");
    } else {
      Console.info(
          "  receiver      waitecho; signatures %d valid, %d invalid",
          stats.path("signatures").path("valid").asLong(),
          stats.path("signatures").path("invalid").asLong());
    }
    if (!spreadOver.isZero()) {
      Console.info("  offered rate  %.0f triggers/s", schedules / (spreadOver.toNanos() / 1e9));
    }
    Console.info("  plot          %s", report);
  }

  /** CPU per process and statements per delivery, over the drain. */
  private static void printCost(
      long delivered,
      Duration drain,
      Map<String, Duration> cpu,
      Map<String, Duration> compilers,
      DatabaseWork.Report work) {
    double per = Math.max(1, delivered);
    Console.info("");
    Console.info(
        "  CPU over the drain (%.1f s, from the end of creation to the last arrival):",
        drain.toNanos() / 1e9);
    Duration product = Duration.ZERO;
    for (Map.Entry<String, Duration> e : cpu.entrySet()) {
      Duration compiling = compilers.get(e.getKey());
      Console.info(
          "    %-12s %7.2f s  %6.1f µs/delivery%s",
          e.getKey(),
          e.getValue().toNanos() / 1e9,
          e.getValue().toNanos() / 1e3 / per,
          compiling == null
              ? ""
              : "  (of which JIT compiler %.2f s)".formatted(compiling.toNanos() / 1e9));
      if (e.getKey().equals("postgres") || e.getKey().startsWith("executor")) {
        product = product.plus(e.getValue());
      }
    }
    Console.info(
        "    %-12s %7.2f s  %6.1f µs/delivery (PostgreSQL + executors)",
        "scheduleman", product.toNanos() / 1e9, product.toNanos() / 1e3 / per);
    Console.info(
        "  SQL           %.2f statements and %.2f transactions per delivery; schedule updates"
            + " %d, HOT %.0f%%",
        work.calls() / per,
        work.transactions() / per,
        work.scheduleUpdates(),
        work.scheduleUpdates() == 0
            ? 0.0
            : 100.0 * work.scheduleHotUpdates() / work.scheduleUpdates());
    Console.info("    per delivery   ms/call  statement");
    work.statements().stream()
        .limit(8)
        .forEach(
            q ->
                Console.info(
                    "    %12.3f %9.3f  %s",
                    q.calls() / per,
                    q.calls() == 0 ? 0.0 : q.totalMillis() / q.calls(),
                    q.text().length() > 90 ? q.text().substring(0, 87) + "…" : q.text()));
  }

  private Path writeReport(Path state, JsonNode stats, JsonNode timeline, Duration spreadOver)
      throws IOException {
    String name =
        "bench-"
            + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                .withZone(ZoneOffset.UTC)
                .format(Instant.now())
            + ".html";
    Path report = state.resolve(name);
    Files.writeString(
        report, BenchReport.html(schedules, suite.executors, spreadOver, stats, timeline));
    return report;
  }

  /** A second tenant's one schedule, due inside the burst, and how late it fired. */
  private record OtherTenant(String key, String scheduleId, Instant due) {

    static OtherTenant create(String api, String adminKey, Instant due, Receiver receiver)
        throws IOException {
      ObjectNode tenant =
          JSON.createObjectNode().put("name", "bench-other-" + due.getEpochSecond());
      String key = call("POST", api + "/tenants", adminKey, tenant).path("apiKey").asText();
      ObjectNode schedule = JSON.createObjectNode();
      schedule.putObject("schedule").put("at", due.toString());
      schedule.putObject("target").put("url", receiver.url("/other")).put("body", "{}");
      String id = call("POST", api + "/schedules", key, schedule).path("id").asText();
      return new OtherTenant(key, id, due);
    }

    void report(String api) throws IOException {
      JsonNode attempts = call("GET", api + "/schedules/" + scheduleId + "/executions", key, null);
      JsonNode first = attempts.path("items").path(attempts.path("items").size() - 1);
      if (first.isMissingNode()) {
        Console.info("  other tenant  its schedule due %s has not fired", due);
        return;
      }
      Duration late = Duration.between(due, Instant.parse(first.path("firedAt").asText()));
      Console.info(
          "  other tenant  one schedule due 1 s into the burst fired %d ms late", late.toMillis());
    }
  }

  private static JsonNode call(String method, String url, String key, Object body)
      throws IOException {
    String text = send(method, url, key, body == null ? null : JSON.writeValueAsString(body));
    return text.isEmpty() ? JSON.createObjectNode() : JSON.readTree(text);
  }

  private static String send(String method, String url, String key, String body) {
    JsonHttp.Answer answer = JsonHttp.call(method, url, key, body);
    if (answer.status() >= 300) {
      throw new LauncherException(
          method + " " + url + " answered " + answer.status() + ": " + answer.text());
    }
    return answer.text();
  }

  private static Duration duration(String option, String text, boolean zeroAllowed) {
    try {
      Duration value =
          text.equals("0") || text.equals("0s") ? Duration.ZERO : Durations.parse(text);
      if (value.isNegative() || (!zeroAllowed && value.isZero())) {
        throw new IllegalArgumentException("must be positive");
      }
      return value;
    } catch (IllegalArgumentException e) {
      throw new LauncherException(option + " '" + text + "': " + e.getMessage());
    }
  }

  /** A fresh database for every run, so earlier runs do not weigh on this one. */
  private static void deleteDatabase(Path state) {
    Path data = state.resolve("postgres");
    if (!Files.exists(data)) {
      return;
    }
    LocalPostgres.stopLeftoverServer(data);
    try (Stream<Path> files = Files.walk(data)) {
      files.sorted(Comparator.reverseOrder()).forEach(BenchCommand::delete);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path path) {
    try {
      Files.delete(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
