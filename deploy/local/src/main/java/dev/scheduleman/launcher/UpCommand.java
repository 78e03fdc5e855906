package dev.scheduleman.launcher;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./scheduleman up}: starts the suite and keeps it running until Ctrl-C or SIGTERM. */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description = {
      "Starts PostgreSQL, crud-api, the executors and waitecho, each a process of its own, and"
          + " stops them all on Ctrl-C or SIGTERM.",
      "Data, logs and the admin key live in .scheduleman/ and survive restarts."
    })
final class UpCommand implements Callable<Integer> {

  @Mixin SuiteOptions suite = new SuiteOptions();

  @Option(
      names = "--state-dir",
      defaultValue = ".scheduleman",
      description = "Where data, logs and the admin key live (default: ${DEFAULT-VALUE}).")
  Path stateDir;

  @Override
  public Integer call() throws InterruptedException {
    Distribution distribution = Distribution.locate();
    Path state = distribution.home().resolve(stateDir).normalize();
    SuiteConfig config = suite.toConfig(distribution, state, Map.of());
    Console.info("Starting Scheduleman (state in %s) …", shown(distribution.home(), state));
    long started = System.nanoTime();
    Suite running = Suite.start(config);

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  Console.info("%nStopping Scheduleman …");
                  running.close();
                  Console.info(
                      "Stopped cleanly. Data is kept in %s.",
                      distribution.home().relativize(state));
                  stopped.countDown();
                },
                "scheduleman-stop"));

    printSummary(running, distribution.home(), (System.nanoTime() - started) / 1e9);
    stopped.await();
    return 0;
  }

  /** A path relative to the project when it is inside it, else as it is. */
  private static Path shown(Path home, Path path) {
    return path.startsWith(home) ? home.relativize(path) : path;
  }

  private static void printSummary(Suite suite, Path home, double seconds) {
    SuiteConfig c = suite.config();
    Path state = shown(home, c.stateDir());
    StringBuilder executorUrls = new StringBuilder();
    for (ServiceProcess executor : suite.executors()) {
      executorUrls.append(executorUrls.isEmpty() ? "" : "  ").append(executor.url());
    }
    Console.info("");
    Console.info("  API         %s/api/v1", suite.apiUrl());
    Console.info("  OpenAPI     %s/q/swagger-ui", suite.apiUrl());
    Console.info("  executors   %s   (metrics at /q/metrics)", executorUrls);
    Console.info("  waitecho    %s/echo   (stats at /echo/stats)", suite.waitechoUrl());
    Console.info(
        "  PostgreSQL  %s   (user %s, password in %s/postgres-password, data in %s/postgres%s)",
        suite.postgres().jdbcUrl(),
        LocalPostgres.USER,
        state,
        state,
        c.fastDatabase() ? "; --fast: a crash may lose data" : "");
    Console.info("  admin key   %s   (also in %s/admin-key)", suite.adminKey(), state);
    Console.info("  logs        %s/logs/", state);
    Console.info("");
    Console.info("all services ready in %.1f s. Press Ctrl-C to stop.", seconds);
  }
}
