package dev.scheduleman.launcher;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** The processes a benchmark runs on, by name, and the CPU time each has used so far. */
final class Processes {

  private final Map<String, Supplier<Duration>> meters;

  private Processes(Map<String, Supplier<Duration>> meters) {
    this.meters = meters;
  }

  /**
   * PostgreSQL (with its backends), crud-api, each executor, and the receiver: waitecho's process,
   * or, for the light receiver, the benchmark's own process (which does nothing else meanwhile but
   * ask it for its count once a second).
   */
  static Processes of(Suite suite, Receiver receiver) {
    Map<String, Supplier<Duration>> meters = new LinkedHashMap<>();
    tree(meters, "postgres", suite.postgres().pid());
    for (ServiceProcess executor : suite.executors()) {
      tree(meters, executor.name(), executor.pid());
    }
    tree(meters, "crud-api", suite.api().pid());
    Optional<Long> receiverPid = receiver.pid();
    if (receiverPid.isPresent()) {
      tree(meters, "waitecho", receiverPid);
    } else {
      long self = ProcessHandle.current().pid();
      meters.put("receiver", () -> CpuTime.ofProcess(self));
    }
    return new Processes(meters);
  }

  private static void tree(
      Map<String, Supplier<Duration>> meters, String name, Optional<Long> pid) {
    pid.ifPresent(p -> meters.put(name, () -> CpuTime.ofTree(p)));
  }

  /** CPU used so far, by process, in the order of {@link #of}. */
  Map<String, Duration> cpu() {
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
