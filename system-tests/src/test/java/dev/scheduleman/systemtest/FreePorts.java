package dev.scheduleman.systemtest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/** Free local ports, so system tests never collide with a suite someone is running. */
final class FreePorts {

  private static final Set<Integer> HANDED_OUT = new HashSet<>();

  private FreePorts() {}

  /** A free port followed by {@code count - 1} free ones (for consecutive executor ports). */
  static synchronized int consecutive(int count) {
    for (int attempt = 0; attempt < 100; attempt++) {
      int first = any();
      boolean allFree = true;
      for (int i = 1; i < count && allFree; i++) {
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

  private static int any() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket(port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
