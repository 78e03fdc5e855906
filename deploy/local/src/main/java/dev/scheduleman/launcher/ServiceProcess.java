package dev.scheduleman.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One service (crud-api, an executor, waitecho) running as a child process of the launcher, with
 * its output in a log file and its pid in a pid file.
 */
public final class ServiceProcess {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private final String name;
  private final Path jar;
  private final int port;
  private final Map<String, String> environment;
  private final List<String> jvmOptions;
  private final Path logFile;
  private final Path pidFile;
  private volatile Process process;

  public ServiceProcess(
      String name,
      Path jar,
      int port,
      Map<String, String> environment,
      List<String> jvmOptions,
      Path logFile,
      Path pidFile) {
    this.name = name;
    this.jar = jar;
    this.port = port;
    this.environment = Map.copyOf(environment);
    this.jvmOptions = List.copyOf(jvmOptions);
    this.logFile = logFile;
    this.pidFile = pidFile;
  }

  public String name() {
    return name;
  }

  public int port() {
    return port;
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  public Optional<Long> pid() {
    Process p = process;
    return p == null ? Optional.empty() : Optional.of(p.pid());
  }

  public boolean isAlive() {
    Process p = process;
    return p != null && p.isAlive();
  }

  /**
   * Starts the process. Its log from an earlier start is kept as {@code <name>.log.1}. The process
   * ignores SIGINT: Ctrl-C reaches every process of the terminal, and the launcher must stop the
   * services itself, in order (executors finish their deliveries while the database is still up).
   */
  public synchronized void start() {
    if (isAlive()) {
      return;
    }
    try {
      if (Files.exists(logFile)) {
        Files.move(
            logFile,
            logFile.resolveSibling(logFile.getFileName() + ".1"),
            StandardCopyOption.REPLACE_EXISTING);
      }
      List<String> command = new ArrayList<>();
      command.add("/bin/sh");
      command.add("-c");
      command.add("trap '' INT; exec \"$0\" \"$@\"");
      command.add(javaExecutable());
      command.addAll(jvmOptions);
      command.add("-jar");
      command.add(jar.toString());
      ProcessBuilder builder = new ProcessBuilder(command);
      builder.environment().putAll(environment);
      builder.redirectErrorStream(true);
      builder.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
      builder.redirectInput(ProcessBuilder.Redirect.PIPE);
      process = builder.start();
      process.getOutputStream().close();
      Files.writeString(pidFile, Long.toString(process.pid()), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new LauncherException("cannot start " + name + ": " + e.getMessage(), e);
    }
  }

  /**
   * Waits until the service reports ready at {@code /q/health/ready}.
   *
   * @throws LauncherException when it exits or is not ready in time, with the end of its log
   */
  public void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Process p = process;
      if (p == null || !p.isAlive()) {
        throw new LauncherException(
            name + " exited during start-up. The end of " + logFile + ":\n" + logTail(30));
      }
      if (isReady()) {
        return;
      }
      pause(Duration.ofMillis(100));
    }
    throw new LauncherException(
        name
            + " was not ready after "
            + timeout.toSeconds()
            + " s. The end of "
            + logFile
            + ":\n"
            + logTail(30));
  }

  /** True when the service answers 200 at {@code /q/health/ready} right now. */
  public boolean isReady() {
    try {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(url() + "/q/health/ready"))
              .timeout(Duration.ofSeconds(2))
              .build();
      return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** SIGTERM, then SIGKILL after {@code grace}: the graceful stop Kubernetes gives a pod. */
  public synchronized void stop(Duration grace) {
    Process p = process;
    if (p == null) {
      return;
    }
    p.destroy();
    try {
      if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        Console.info("%s did not stop within %d s; killing it", name, grace.toSeconds());
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
    }
    forget();
  }

  /** SIGKILL, no warning: what a crash or the OOM killer does. */
  public synchronized void kill() {
    Process p = process;
    if (p == null) {
      return;
    }
    p.destroyForcibly();
    try {
      p.onExit().get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
      throw new LauncherException(name + " did not die after SIGKILL", e);
    }
    forget();
  }

  /** The process's exit code, once it has exited. */
  public Optional<Integer> exitCode() {
    Process p = process;
    return p == null || p.isAlive() ? Optional.empty() : Optional.of(p.exitValue());
  }

  public Path logFile() {
    return logFile;
  }

  public String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private void forget() {
    try {
      Files.deleteIfExists(pidFile);
    } catch (IOException e) {
      // A stale pid file is checked against the process's command line before it is used.
    }
  }

  /**
   * Stops a service left running by an earlier launcher that was killed, found through its pid
   * file. Only a process that is still running one of our jars is touched.
   */
  public static void stopLeftover(String name, Path pidFile, Duration grace) {
    if (!Files.exists(pidFile)) {
      return;
    }
    try {
      long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).strip());
      Optional<ProcessHandle> leftover =
          ProcessHandle.of(pid)
              .filter(ProcessHandle::isAlive)
              .filter(
                  p ->
                      p.info().commandLine().map(c -> c.contains("quarkus-run.jar")).orElse(false));
      if (leftover.isPresent()) {
        Console.info("stopping %s left running by an earlier launcher (pid %d)", name, pid);
        ProcessHandle p = leftover.get();
        p.destroy();
        try {
          p.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
          p.destroyForcibly();
        }
      }
      Files.deleteIfExists(pidFile);
    } catch (IOException | NumberFormatException e) {
      // Not a pid file we wrote.
    }
  }

  static String javaExecutable() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LauncherException("interrupted while waiting for a service");
    }
  }
}
