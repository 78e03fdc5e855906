package dev.scheduleman.executor;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The executor's shape: packages without cycles, and a pipeline that flows one way, claim →
 * dispatch → send → complete, where a stage knows nothing of the stages before it and of the later
 * ones only the next one's input.
 */
class ArchitectureTest {

  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.scheduleman.executor");

  @Test
  void noPackageDependsOnItselfThroughOthers() {
    slices().matching("dev.scheduleman.(executor..)").should().beFreeOfCycles().check(CLASSES);
  }

  @Test
  void thePipelineFlowsOneWay() {
    stage("claim").mayNotUse("dispatch", "send", "complete");
    stage("dispatch").mayNotUse("claim", "send", "complete");
    stage("send").mayNotUse("claim", "dispatch");
    stage("complete").mayNotUse("claim", "dispatch", "send");
  }

  private static Stage stage(String name) {
    return new Stage(name);
  }

  private record Stage(String name) {
    void mayNotUse(String... others) {
      String[] packages = new String[others.length];
      for (int i = 0; i < others.length; i++) {
        packages[i] = "dev.scheduleman.executor." + others[i] + "..";
      }
      noClasses()
          .that()
          .resideInAPackage("dev.scheduleman.executor." + name + "..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(packages)
          .because("the pipeline flows one way: claim → dispatch → send → complete")
          .check(CLASSES);
    }
  }
}
