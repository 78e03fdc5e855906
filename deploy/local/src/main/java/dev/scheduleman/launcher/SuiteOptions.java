package dev.scheduleman.launcher;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options every command that starts the suite takes: how many executors, which ports. */
final class SuiteOptions {

  @Option(
      names = "--executors",
      defaultValue = "2",
      description = "Executor processes to run (default: ${DEFAULT-VALUE}).")
  int executors;

  @Option(names = "--api-port", defaultValue = "8080", description = "crud-api's port.")
  int apiPort;

  @Option(
      names = "--executor-port",
      defaultValue = "8081",
      description = "The first executor's port; the others follow.")
  int executorPort;

  @Option(names = "--waitecho-port", defaultValue = "8090", description = "waitecho's port.")
  int waitechoPort;

  @Option(names = "--db-port", defaultValue = "15432", description = "PostgreSQL's port.")
  int databasePort;

  @Option(
      names = "--fast",
      description =
          "PostgreSQL without fsync and with asynchronous commit, for benchmarks: faster, and a"
              + " crash of the machine may lose the last commits or corrupt the database.")
  boolean fast;

  SuiteConfig toConfig(
      Distribution distribution, Path state, Map<String, String> executorEnvironment) {
    return toConfig(distribution, state, executorEnvironment, List.of());
  }

  SuiteConfig toConfig(
      Distribution distribution,
      Path state,
      Map<String, String> executorEnvironment,
      List<String> jvmOptions) {
    return new SuiteConfig(
        distribution,
        state,
        databasePort,
        apiPort,
        executorPort,
        executors,
        waitechoPort,
        Map.of(),
        executorEnvironment,
        jvmOptions,
        fast);
  }
}
