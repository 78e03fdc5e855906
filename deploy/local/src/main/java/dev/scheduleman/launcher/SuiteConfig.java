package dev.scheduleman.launcher;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What to run and where.
 *
 * @param stateDir the launcher's folder: database data, logs, pid files, admin key
 * @param firstExecutorPort executor i (0-based) listens on {@code firstExecutorPort + i}
 * @param serviceEnvironment extra environment for every service (e.g. tuning for a test)
 * @param executorEnvironment extra environment for the executors only
 * @param jvmOptions JVM options for every service; {@code {service}} stands for its name
 * @param fastDatabase PostgreSQL without fsync and with asynchronous commit: a machine crash may
 *     lose or corrupt data (for benchmarks)
 */
public record SuiteConfig(
    Distribution distribution,
    Path stateDir,
    int databasePort,
    int apiPort,
    int firstExecutorPort,
    int executors,
    int waitechoPort,
    Map<String, String> serviceEnvironment,
    Map<String, String> executorEnvironment,
    List<String> jvmOptions,
    boolean fastDatabase) {

  public static final int DEFAULT_DATABASE_PORT = 15432;
  public static final int DEFAULT_API_PORT = 8080;
  public static final int DEFAULT_FIRST_EXECUTOR_PORT = 8081;
  public static final int DEFAULT_WAITECHO_PORT = 8090;

  public SuiteConfig {
    if (executors < 0) {
      throw new LauncherException("--executors must be 0 or more, not " + executors);
    }
    serviceEnvironment = Map.copyOf(serviceEnvironment);
    executorEnvironment = Map.copyOf(executorEnvironment);
    jvmOptions = List.copyOf(jvmOptions);
  }

  /** A durable database. */
  public SuiteConfig(
      Distribution distribution,
      Path stateDir,
      int databasePort,
      int apiPort,
      int firstExecutorPort,
      int executors,
      int waitechoPort,
      Map<String, String> serviceEnvironment,
      Map<String, String> executorEnvironment,
      List<String> jvmOptions) {
    this(
        distribution,
        stateDir,
        databasePort,
        apiPort,
        firstExecutorPort,
        executors,
        waitechoPort,
        serviceEnvironment,
        executorEnvironment,
        jvmOptions,
        false);
  }

  public int executorPort(int index) {
    return firstExecutorPort + index;
  }
}
