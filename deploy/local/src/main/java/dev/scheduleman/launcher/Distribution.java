package dev.scheduleman.launcher;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the built services are: each module's Quarkus fast-jar under the project's home. */
public record Distribution(Path home) {

  /**
   * The home named by {@code -Dscheduleman.home} (set by the script), else the working directory.
   */
  public static Distribution locate() {
    String home = System.getProperty("scheduleman.home");
    return new Distribution(Path.of(home == null ? "." : home).toAbsolutePath().normalize());
  }

  /** The runnable jar of a service module, which must have been built. */
  public Path serviceJar(String module) {
    Path jar = home.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    if (!Files.isRegularFile(jar)) {
      throw new LauncherException(
          module
              + " is not built ("
              + home.relativize(jar)
              + " is missing). Build it with: ./mvnw package -DskipTests"
              + " (./scheduleman does this for you)");
    }
    return jar;
  }
}
