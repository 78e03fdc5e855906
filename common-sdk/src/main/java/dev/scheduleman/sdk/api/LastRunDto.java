package dev.scheduleman.sdk.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/** The last attempt of a schedule. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LastRunDto(Instant at, String outcome, Integer httpStatus, String error) {}
