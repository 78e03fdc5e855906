package dev.scheduleman.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * CPU time a process has used so far, user and system. On Linux it is read from {@code /proc}: for
 * a process tree (PostgreSQL's server and its backends) it includes the children that have ended
 * (their time is added to the parent's when it reaps them) and those still running. Elsewhere the
 * JVM's process handles give the processes still running.
 */
final class CpuTime {

  private static final Path PROC = Path.of("/proc");
  private static final long TICKS_PER_SECOND = ticksPerSecond();

  private CpuTime() {}

  /** The process alone (not its children): the benchmark's own process. */
  static Duration ofProcess(long pid) {
    if (Files.isDirectory(PROC)) {
      return ticks(pid, false).map(CpuTime::duration).orElse(Duration.ZERO);
    }
    return ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration()).orElse(Duration.ZERO);
  }

  /** The process and every process below it, ended or running. */
  static Duration ofTree(long pid) {
    Optional<ProcessHandle> root = ProcessHandle.of(pid);
    if (root.isEmpty()) {
      return Duration.ZERO;
    }
    if (Files.isDirectory(PROC)) {
      long total = ticks(pid, true).orElse(0L);
      total += root.get().descendants().mapToLong(p -> ticks(p.pid(), true).orElse(0L)).sum();
      return duration(total);
    }
    Duration total = root.get().info().totalCpuDuration().orElse(Duration.ZERO);
    return root.get()
        .descendants()
        .map(p -> p.info().totalCpuDuration().orElse(Duration.ZERO))
        .reduce(total, Duration::plus);
  }

  /**
   * What the JVM's just-in-time compiler threads of a process have used so far ({@code C1
   * CompilerThread…}, {@code C2 CompilerThread…}): a warm JVM spends next to nothing there, a cold
   * one a large share of its time. Zero where {@code /proc} is not there.
   */
  static Duration ofCompilers(long pid) {
    Path tasks = PROC.resolve(Long.toString(pid)).resolve("task");
    if (!Files.isDirectory(tasks)) {
      return Duration.ZERO;
    }
    long total = 0;
    try (var threads = Files.list(tasks)) {
      for (Path thread : (Iterable<Path>) threads::iterator) {
        if (compilerThread(thread)) {
          total += ticks(thread.resolve("stat"), false).orElse(0L);
        }
      }
    } catch (IOException | RuntimeException e) {
      // The process ended meanwhile: what was read so far is what it used.
    }
    return duration(total);
  }

  private static boolean compilerThread(Path thread) {
    try {
      String name = Files.readString(thread.resolve("comm"), StandardCharsets.UTF_8);
      return name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre");
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * utime + stime, and with {@code reaped} cutime + cstime, from {@code /proc/<pid>/stat} (fields
   * 14 to 17; the command name in field 2 may hold spaces, so fields count from its closing
   * parenthesis).
   */
  private static Optional<Long> ticks(long pid, boolean reaped) {
    return ticks(PROC.resolve(Long.toString(pid)).resolve("stat"), reaped);
  }

  private static Optional<Long> ticks(Path statFile, boolean reaped) {
    try {
      String stat = Files.readString(statFile, StandardCharsets.UTF_8);
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // fields[0] is field 3 (state): utime is field 14.
      long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
      if (reaped) {
        ticks += Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
      }
      return Optional.of(ticks);
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // the process ended meanwhile
    }
  }

  private static Duration duration(long ticks) {
    return Duration.ofNanos(ticks * 1_000_000_000L / TICKS_PER_SECOND);
  }

  /** The kernel's clock ticks per second ({@code getconf CLK_TCK}); 100 on every common Linux. */
  private static long ticksPerSecond() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
      p.waitFor();
      long value = Long.parseLong(out);
      return value > 0 ? value : 100;
    } catch (IOException | RuntimeException e) {
      return 100;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 100;
    }
  }
}
