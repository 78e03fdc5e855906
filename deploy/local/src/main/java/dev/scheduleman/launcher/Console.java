package dev.scheduleman.launcher;

import java.io.PrintStream;

/** What the launcher tells the person at the terminal. */
public final class Console {

  private static volatile PrintStream out = System.out;

  private Console() {}

  /** Redirects the launcher's messages (the system tests keep them in their own log). */
  public static void redirect(PrintStream stream) {
    out = stream;
  }

  public static void info(String format, Object... args) {
    out.println(String.format(format, args));
    out.flush();
  }

  public static void error(String format, Object... args) {
    System.err.println(String.format(format, args));
    System.err.flush();
  }
}
