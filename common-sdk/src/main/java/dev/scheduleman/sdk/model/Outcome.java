package dev.scheduleman.sdk.model;

/** How one attempt to deliver a webhook ended. */
public enum Outcome {
  /** The target answered 2xx. */
  SUCCEEDED,
  /** Any other status, a timeout, or no answer at all; the error says which. */
  FAILED
}
