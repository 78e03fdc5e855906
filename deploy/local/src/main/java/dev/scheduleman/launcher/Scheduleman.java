package dev.scheduleman.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./scheduleman}: runs the whole suite on this machine, or benchmarks it. */
@Command(
    name = "scheduleman",
    mixinStandardHelpOptions = true,
    versionProvider = Scheduleman.Version.class,
    description = "Scheduleman on this machine: a distributed webhook scheduler on PostgreSQL.",
    subcommands = {UpCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Scheduleman {

  public static void main(String[] args) {
    CommandLine commandLine =
        new CommandLine(new Scheduleman())
            .setExecutionExceptionHandler(
                (e, cmd, parsed) -> {
                  if (e instanceof LauncherException) {
                    Console.error("scheduleman: %s", e.getMessage());
                    return 1;
                  }
                  throw e;
                });
    System.exit(commandLine.execute(args));
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Scheduleman.class.getPackage().getImplementationVersion();
      return new String[] {"Scheduleman " + (version == null ? "dev" : version)};
    }
  }
}
