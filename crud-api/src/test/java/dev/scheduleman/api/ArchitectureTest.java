package dev.scheduleman.api;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The API and what it is built on (common-sdk, storage): packages by feature, none of which depends
 * on itself through others. The executor's test checks its own packages and its pipeline.
 */
class ArchitectureTest {

  @Test
  void noPackageDependsOnItselfThroughOthers() {
    slices()
        .matching("dev.scheduleman.(**)")
        .should()
        .beFreeOfCycles()
        .check(
            new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                // storage's test jar (fixtures, and tests that use several repositories)
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages(
                    "dev.scheduleman.sdk", "dev.scheduleman.storage", "dev.scheduleman.api"));
  }
}
