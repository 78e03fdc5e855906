package dev.scheduleman.launcher;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The whole of Scheduleman on one machine: PostgreSQL, crud-api, N executors and waitecho, each a
 * process of its own. Started in dependency order (the database, then crud-api, which migrates the
 * schema, then the rest in parallel) and stopped in reverse, so executors finish their deliveries
 * while the database is still there.
 */
public final class Suite implements AutoCloseable {

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
  private static final Duration STOP_GRACE = Duration.ofSeconds(30);

  private final SuiteConfig config;
  private final Workspace workspace;
  private final String adminKey;
  private LocalPostgres postgres;
  private ServiceProcess api;
  private final List<ServiceProcess> executors = new ArrayList<>();
  private ServiceProcess waitecho;

  private Suite(SuiteConfig config, Workspace workspace) {
    this.config = config;
    this.workspace = workspace;
    this.adminKey = workspace.adminKey();
  }

  /**
   * Starts everything and waits until every service is ready. On failure, stops what was started.
   *
   * @throws LauncherException with a message fit for the terminal
   */
  public static Suite start(SuiteConfig config) {
    Workspace workspace = Workspace.open(config.stateDir());
    Suite suite = new Suite(config, workspace);
    try {
      suite.startAll();
      return suite;
    } catch (RuntimeException e) {
      suite.close();
      throw e;
    }
  }

  private void startAll() {
    ServiceProcess.stopLeftover("crud-api", workspace.pidFile("crud-api"), STOP_GRACE);
    for (int i = 0; i < 64; i++) {
      ServiceProcess.stopLeftover(executorName(i), workspace.pidFile(executorName(i)), STOP_GRACE);
    }
    ServiceProcess.stopLeftover("waitecho", workspace.pidFile("waitecho"), STOP_GRACE);
    LocalPostgres.stopLeftoverServer(workspace.postgresData());
    checkPortsFree();

    long started = System.nanoTime();
    postgres =
        LocalPostgres.start(
            workspace.postgresData(),
            config.databasePort(),
            workspace.log("postgres"),
            workspace.postgresPassword(),
            config.fastDatabase());
    Console.info("  postgres   ready   (%s)", elapsed(started));

    api = service("crud-api", "crud-api", config.apiPort(), apiEnvironment());
    api.start();
    api.awaitReady(READY_TIMEOUT);
    Console.info("  crud-api   ready   (%s)", elapsed(started));

    for (int i = 0; i < config.executors(); i++) {
      Map<String, String> env = new HashMap<>(databaseEnvironment());
      env.put("SCHEDULEMAN_EXECUTOR_ID", executorName(i));
      env.putAll(config.executorEnvironment());
      executors.add(service(executorName(i), "executor", config.executorPort(i), env));
    }
    waitecho = service("waitecho", "waitecho", config.waitechoPort(), Map.of());
    List<ServiceProcess> rest = new ArrayList<>(executors);
    rest.add(waitecho);
    rest.forEach(ServiceProcess::start);
    awaitAllReady(rest);
    Console.info(
        "  %d executor%s and waitecho ready   (%s)",
        executors.size(), executors.size() == 1 ? "" : "s", elapsed(started));
  }

  private void awaitAllReady(List<ServiceProcess> services) {
    List<CompletableFuture<Void>> waits = new ArrayList<>();
    for (ServiceProcess service : services) {
      waits.add(CompletableFuture.runAsync(() -> service.awaitReady(READY_TIMEOUT)));
    }
    try {
      CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new)).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  private ServiceProcess service(String name, String module, int port, Map<String, String> env) {
    Map<String, String> environment = new LinkedHashMap<>();
    environment.put("QUARKUS_HTTP_HOST", "127.0.0.1");
    environment.put("QUARKUS_HTTP_PORT", Integer.toString(port));
    environment.put("SCHEDULEMAN_TARGETS_ALLOW_PRIVATE", "true");
    environment.putAll(env);
    environment.putAll(config.serviceEnvironment());
    return new ServiceProcess(
        name,
        config.distribution().serviceJar(module),
        port,
        environment,
        config.jvmOptions().stream().map(o -> o.replace("{service}", name)).toList(),
        workspace.log(name),
        workspace.pidFile(name));
  }

  private Map<String, String> databaseEnvironment() {
    return Map.of(
        "QUARKUS_DATASOURCE_JDBC_URL",
        postgres.jdbcUrl(),
        "QUARKUS_DATASOURCE_USERNAME",
        LocalPostgres.USER,
        "QUARKUS_DATASOURCE_PASSWORD",
        postgres.password());
  }

  private Map<String, String> apiEnvironment() {
    Map<String, String> env = new HashMap<>(databaseEnvironment());
    env.put("SCHEDULEMAN_BOOTSTRAP_KEY", adminKey);
    return env;
  }

  private void checkPortsFree() {
    Map<String, Integer> ports = new LinkedHashMap<>();
    ports.put("PostgreSQL (--db-port)", config.databasePort());
    ports.put("crud-api (--api-port)", config.apiPort());
    for (int i = 0; i < config.executors(); i++) {
      ports.put(executorName(i) + " (--executor-port)", config.executorPort(i));
    }
    ports.put("waitecho (--waitecho-port)", config.waitechoPort());
    ports.forEach(
        (what, port) -> {
          if (!isFree(port)) {
            throw new LauncherException(
                "port "
                    + port
                    + " for "
                    + what
                    + " is already in use by another program. Stop that program, or choose"
                    + " another port with the option in brackets.");
          }
        });
  }

  public static boolean isFree(int port) {
    for (String host : List.of("127.0.0.1", "0.0.0.0")) {
      try (ServerSocket socket = new ServerSocket()) {
        // As servers bind: connections of a process that just ended (TIME_WAIT) do not count.
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }

  static String executorName(int index) {
    return "executor-" + (index + 1);
  }

  private static String elapsed(long startNanos) {
    return String.format("%.1f s", (System.nanoTime() - startNanos) / 1e9);
  }

  public SuiteConfig config() {
    return config;
  }

  public Workspace workspace() {
    return workspace;
  }

  public String adminKey() {
    return adminKey;
  }

  public LocalPostgres postgres() {
    return postgres;
  }

  public ServiceProcess api() {
    return api;
  }

  public List<ServiceProcess> executors() {
    return List.copyOf(executors);
  }

  public ServiceProcess waitecho() {
    return waitecho;
  }

  public String apiUrl() {
    return api.url();
  }

  public String waitechoUrl() {
    return waitecho.url();
  }

  /**
   * Stops everything, in reverse order of start: executors first (they finish or release their
   * in-flight triggers), then waitecho and crud-api, and the database last.
   */
  @Override
  public synchronized void close() {
    List<CompletableFuture<Void>> stops = new ArrayList<>();
    for (ServiceProcess executor : executors) {
      stops.add(CompletableFuture.runAsync(() -> executor.stop(STOP_GRACE)));
    }
    CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).join();
    if (waitecho != null) {
      waitecho.stop(STOP_GRACE);
    }
    if (api != null) {
      api.stop(STOP_GRACE);
    }
    if (postgres != null) {
      postgres.stop();
    }
    workspace.close();
  }
}
