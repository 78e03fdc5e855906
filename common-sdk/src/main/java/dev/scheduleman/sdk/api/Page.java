package dev.scheduleman.sdk.api;

import java.util.List;

/**
 * One page of a list. {@code nextCursor} is null on the last page; otherwise pass it as {@code
 * cursor} to get the next one.
 */
public record Page<T>(List<T> items, String nextCursor) {}
