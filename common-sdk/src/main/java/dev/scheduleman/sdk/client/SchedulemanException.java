package dev.scheduleman.sdk.client;

import dev.scheduleman.sdk.api.Problem;

/** The API refused a request: its status and its problem document (field errors included). */
public class SchedulemanException extends RuntimeException {

  private final int status;
  private final transient Problem problem;

  public SchedulemanException(int status, Problem problem) {
    super(status + " " + (problem == null ? "" : problem.title() + ": " + problem.detail()));
    this.status = status;
    this.problem = problem;
  }

  public int status() {
    return status;
  }

  /** The problem document, or null when the answer had none. */
  public Problem problem() {
    return problem;
  }
}
