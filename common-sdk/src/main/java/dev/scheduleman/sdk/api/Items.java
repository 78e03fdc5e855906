package dev.scheduleman.sdk.api;

import java.util.List;

/** A list that is not paged (created schedules of a batch, fire times of a preview). */
public record Items<T>(List<T> items) {}
