package dev.scheduleman.launcher;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The processes a benchmark runs on, by name, the CPU time each has used so far, and for the JVMs
 * the part of it their just-in-time compilers used.
 */
final class Processes {

  private final Map<String, Supplier<Duration>> meters;
  private final Map<String, Supplier<Duration>> compilers;

  private Processes(
      Map<String, Supplier<Duration>> meters, Map<String, Supplier<Duration>> compilers) {
    this.meters = meters;
    this.compilers = compilers;
  }

  /**
   * PostgreSQL (with its backends), crud-api, each executor, and the receiver: waitecho's process,
   * or, for the light receiver, the benchmark's own process (which does nothing else meanwhile but
   * ask it for its count once a second).
   */
  static Processes of(Suite suite, Receiver receiver) {
    Map<String, Supplier<Duration>> meters = new LinkedHashMap<>();
    Map<String, Supplier<Duration>> compilers = new LinkedHashMap<>();
    suite.postgres().pid().ifPresent(p -> meters.put("postgres", () -> CpuTime.ofTree(p)));
    for (ServiceProcess executor : suite.executors()) {
      jvm(meters, compilers, executor.name(), executor.pid());
    }
    jvm(meters, compilers, "crud-api", suite.api().pid());
    Optional<Long> receiverPid = receiver.pid();
    if (receiverPid.isPresent()) {
      jvm(meters, compilers, "waitecho", receiverPid);
    } else {
      long self = ProcessHandle.current().pid();
      meters.put("receiver", () -> CpuTime.ofProcess(self));
      compilers.put("receiver", () -> CpuTime.ofCompilers(self));
    }
    return new Processes(meters, compilers);
  }

  private static void jvm(
      Map<String, Supplier<Duration>> meters,
      Map<String, Supplier<Duration>> compilers,
      String name,
      Optional<Long> pid) {
    pid.ifPresent(
        p -> {
          meters.put(name, () -> CpuTime.ofTree(p));
          compilers.put(name, () -> CpuTime.ofCompilers(p));
        });
  }

  /** CPU used so far, by process, in the order of {@link #of}. */
  Map<String, Duration> cpu() {
    return read(meters);
  }

  /** What the JVMs' just-in-time compilers used so far, by process. */
  Map<String, Duration> compilers() {
    return read(compilers);
  }

  /** What the executors' compilers used so far, together. */
  Duration executorCompilers() {
    return executors(compilers);
  }

  /** What the executors used so far, together. */
  Duration executorCpu() {
    return executors(meters);
  }

  private static Duration executors(Map<String, Supplier<Duration>> meters) {
    return meters.entrySet().stream()
        .filter(e -> e.getKey().startsWith("executor"))
        .map(e -> e.getValue().get())
        .reduce(Duration.ZERO, Duration::plus);
  }

  private static Map<String, Duration> read(Map<String, Supplier<Duration>> meters) {
    Map<String, Duration> used = new LinkedHashMap<>();
    meters.forEach((name, meter) -> used.put(name, meter.get()));
    return used;
  }

  /** What each process used between two readings. */
  static Map<String, Duration> since(Map<String, Duration> before, Map<String, Duration> after) {
    Map<String, Duration> used = new LinkedHashMap<>();
    after.forEach(
        (name, total) -> used.put(name, total.minus(before.getOrDefault(name, Duration.ZERO))));
    return used;
  }
}
