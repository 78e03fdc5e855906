package dev.scheduleman.api.problem;

import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * A JSON merge patch whose result is not a schedule (a wrong type, an unknown field): mapped like a
 * bad body, with the field it names.
 */
public final class InvalidPatchException extends RuntimeException {

  public InvalidPatchException(JsonProcessingException cause) {
    super(cause.getOriginalMessage(), cause, false, false);
  }

  public JsonProcessingException json() {
    return (JsonProcessingException) getCause();
  }
}
