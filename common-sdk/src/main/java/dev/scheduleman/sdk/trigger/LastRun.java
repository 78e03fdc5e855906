package dev.scheduleman.sdk.trigger;

import dev.scheduleman.sdk.model.Outcome;
import java.time.Instant;

/** The last attempt of a schedule, kept on its row for lists and dashboards. */
public record LastRun(Instant firedAt, Outcome outcome, Integer httpStatus, String error) {}
