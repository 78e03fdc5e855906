package dev.scheduleman.systemtest;

import dev.scheduleman.launcher.Suite;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;

/**
 * Free local ports, so system tests never collide with a suite someone is running. They are taken
 * below the operating systems' ephemeral ranges (Linux from 32768, macOS and Windows from 49152): a
 * port from that range, free when checked, can be taken a moment later as the local end of any
 * outgoing connection (a JDBC or HTTP client's), and the service meant to listen on it then fails
 * to start.
 */
final class FreePorts {

  private static final int LOWEST = 20_000;
  private static final int BELOW_EPHEMERAL = 32_768;
  private static final Set<Integer> HANDED_OUT = new HashSet<>();
  private static final Random RANDOM = new Random();

  private FreePorts() {}

  /** A free port followed by {@code count - 1} free ones (for consecutive executor ports). */
  static synchronized int consecutive(int count) {
    for (int attempt = 0; attempt < 100; attempt++) {
      int first = LOWEST + RANDOM.nextInt(BELOW_EPHEMERAL - LOWEST - count);
      boolean allFree = true;
      for (int i = 0; i < count && allFree; i++) {
        allFree = isFree(first + i) && !HANDED_OUT.contains(first + i);
      }
      if (allFree) {
        for (int i = 0; i < count; i++) {
          HANDED_OUT.add(first + i);
        }
        return first;
      }
    }
    throw new IllegalStateException("no run of " + count + " free ports found");
  }

  static int one() {
    return consecutive(1);
  }

  private static boolean isFree(int port) {
    // As the launcher checks: free on loopback and on every address.
    return Suite.isFree(port);
  }
}
