package dev.scheduleman.systemtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scheduleman.launcher.ServiceProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The promises on a bad day, with real processes: an executor starved of CPU, and an executor
 * frozen (SIGSTOP) past its leases mid-burst ({@link ClaimedAheadIT} has users editing triggers
 * that executors already claimed ahead). Nothing crashes, so every duplicate must be explained by a
 * failed attempt; none is allowed from a stall alone except a request the frozen executor had on
 * the wire.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StressIT {

  private static final Map<String, String> EXECUTORS =
      Map.of(
          "SCHEDULEMAN_EXECUTOR_LEASE_MARGIN", "2s",
          "SCHEDULEMAN_EXECUTOR_POLL_INTERVAL", "200ms");

  private static final Duration WAIT = Duration.ofSeconds(180);

  @TempDir static Path stateDir;
  private static Scenario scenario;

  @BeforeAll
  static void start() {
    scenario = Scenario.start(stateDir, 3, EXECUTORS);
  }

  @AfterAll
  static void stop() {
    if (scenario != null) {
      scenario.close();
    }
  }

  @BeforeEach
  void resetWaitecho() {
    for (ServiceProcess executor : scenario.suite.executors()) {
      assertThat(executor.isReady()).as(executor.name() + " ready before the scenario").isTrue();
    }
    scenario.resetEcho();
  }

  @Test
  @Order(1)
  void anExecutorStarvedOfCpuDuplicatesNothingAndLosesNothing() throws Exception {
    int count = Scenario.scaled(2_000, 10_000);
    ServiceProcess starved = scenario.suite.executors().get(0);
    long pid = starved.pid().orElseThrow();
    List<Process> hogs = new ArrayList<>();
    long failedBefore = scenario.failedAttempts();
    try {
      // Every thread of the executor on CPU 0, beside a busy loop there (bounded: 3 minutes);
      // the rest of the suite has the other core to itself.
      run("taskset", "-a", "-cp", "0", Long.toString(pid));
      hogs.add(
          new ProcessBuilder(
                  "taskset", "-c", "0", "timeout", "180", "sh", "-c", "while :; do :; done")
              .start());
      scenario.createOneOffs(
          count, Instant.now().plusSeconds(3), Duration.ofSeconds(8), "/starved");

      JsonNode stats = scenario.awaitDelivered(count, WAIT);

      assertThat(stats.path("uniqueIds").asLong()).isEqualTo(count);
      scenario.assertDuplicatesOnlyFromFailedAttempts(stats, failedBefore, "CPU-starved executor");
      System.out.printf(
          "CPU-starved executor: %d delivered, %d duplicates, %d failed attempts,"
              + " worst lateness %.0f ms, p99 %.0f ms%n",
          stats.path("uniqueIds").asLong(),
          stats.path("duplicates").asLong(),
          scenario.failedAttempts() - failedBefore,
          stats.path("lateness").path("maxMs").asDouble(),
          stats.path("lateness").path("p99Ms").asDouble());
    } finally {
      hogs.forEach(StressIT::stopWithItsChildren);
      run(
          "taskset",
          "-a",
          "-cp",
          "0-" + (Runtime.getRuntime().availableProcessors() - 1),
          Long.toString(pid));
    }
  }

  @Test
  @Order(2)
  void anExecutorFrozenPastItsLeasesSendsNothingStaleWhenItThaws() throws Exception {
    int count = Scenario.scaled(3_000, 20_000);
    ServiceProcess frozen = scenario.suite.executors().get(1);
    long pid = frozen.pid().orElseThrow();
    long failedBefore = scenario.failedAttempts();
    scenario.createOneOffs(count, Instant.now().plusSeconds(3), Duration.ofSeconds(6), "/frozen");

    scenario.awaitReceivedAtLeast(count / 5, WAIT);
    run("kill", "-STOP", Long.toString(pid));
    try {
      // Frozen for 8 s: every lease it holds (timeout 3 s + margin 2 s) runs out and the other
      // executors take its triggers over (a bounded wait, not a sleep).
      await().pollDelay(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(9)).until(() -> true);
    } finally {
      run("kill", "-CONT", Long.toString(pid));
    }

    JsonNode stats = scenario.awaitDelivered(count, WAIT);
    await().atMost(WAIT).until(() -> scenario.schedulesIn("ACTIVE") == 0);
    long duplicates = stats.path("duplicates").asLong();
    System.out.printf(
        "executor frozen 8 s mid-burst: %d delivered, %d duplicates, %d failed attempts,"
            + " worst lateness %.0f ms; executions attempted twice: %s%n",
        stats.path("uniqueIds").asLong(),
        duplicates,
        scenario.failedAttempts() - failedBefore,
        stats.path("lateness").path("maxMs").asDouble(),
        scenario.repeatedAttempts());
    assertThat(stats.path("uniqueIds").asLong()).isEqualTo(count);
    // Only what it had on the wire when it froze can arrive twice (the receiver answered, the
    // executor could not hear it, another executor fired it again): at most its connections.
    assertThat(duplicates).isLessThanOrEqualTo(200);
  }

  /**
   * Stops a process and everything it started. Killing {@code timeout} alone would leave its child
   * (the busy loop) running, unbounded, beside every later test and benchmark on the machine.
   */
  private static void stopWithItsChildren(Process process) {
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    tree.add(process.toHandle());
    tree.forEach(ProcessHandle::destroyForcibly);
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " did not finish");
    }
    assertThat(p.exitValue()).as(String.join(" ", command)).isZero();
  }
}
