package dev.scheduleman.sdk.api;

/** A spec to check and the number of fire times to list (default 10, at most 100). */
public record PreviewRequest(SpecDto schedule, Integer count) {}
