package dev.scheduleman.sdk.api;

import java.util.List;

/** Schedules to create at once, all or none. */
public record BatchRequest(List<ScheduleDto> items) {}
