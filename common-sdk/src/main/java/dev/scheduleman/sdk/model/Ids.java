package dev.scheduleman.sdk.model;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;
import java.util.UUID;

/**
 * Identifiers are UUIDv7: unique without coordination, and ordered by creation time, so keyset
 * pagination by id lists schedules in creation order and index inserts stay local.
 */
public final class Ids {

  private static final TimeBasedEpochGenerator GENERATOR = Generators.timeBasedEpochGenerator();

  private Ids() {}

  public static UUID newId() {
    return GENERATOR.generate();
  }
}
