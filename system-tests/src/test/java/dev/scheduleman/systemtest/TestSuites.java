package dev.scheduleman.systemtest;

import dev.scheduleman.launcher.Distribution;
import dev.scheduleman.launcher.SuiteConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Suite configurations for system tests: free ports, a folder of the test's own. */
final class TestSuites {

  private TestSuites() {}

  static SuiteConfig config(Path stateDir, int executors) {
    return config(stateDir, executors, Map.of());
  }

  static SuiteConfig config(Path stateDir, int executors, Map<String, String> executorEnv) {
    return new SuiteConfig(
        Distribution.locate(),
        stateDir,
        FreePorts.one(),
        FreePorts.one(),
        FreePorts.consecutive(Math.max(1, executors)),
        executors,
        FreePorts.one(),
        Map.of(),
        executorEnv,
        List.of("-Xmx512m"));
  }
}
