package dev.scheduleman.launcher;

/**
 * Something the person at the terminal can act on (a port in use, a second launcher, a service that
 * did not start). The launcher prints the message alone, never a stack trace.
 */
public class LauncherException extends RuntimeException {

  public LauncherException(String message) {
    super(message);
  }

  public LauncherException(String message, Throwable cause) {
    super(message, cause);
  }
}
