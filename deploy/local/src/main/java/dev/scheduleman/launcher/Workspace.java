package dev.scheduleman.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;

/**
 * The launcher's folder ({@code .scheduleman/} for {@code ./scheduleman up}): the database's data,
 * the services' logs, their pid files and the admin key. Only one launcher may use a folder at a
 * time; the lock is an OS file lock, so it is released even when a launcher is killed.
 */
public final class Workspace implements AutoCloseable {

  private final Path dir;
  private final FileChannel lockChannel;
  private final FileLock lock;

  private Workspace(Path dir, FileChannel lockChannel, FileLock lock) {
    this.dir = dir;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Creates the folder if needed and takes its lock.
   *
   * @throws LauncherException when another launcher holds it
   */
  public static Workspace open(Path dir) {
    try {
      Files.createDirectories(dir.resolve("logs"));
      Files.createDirectories(dir.resolve("run"));
      Path lockFile = dir.resolve("launcher.lock");
      FileChannel channel =
          FileChannel.open(
              lockFile,
              StandardOpenOption.CREATE,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // held by this very JVM (a test running two suites on one folder)
      }
      if (lock == null) {
        String holder = Files.readString(lockFile, StandardCharsets.UTF_8).strip();
        channel.close();
        throw new LauncherException(
            "Scheduleman is already running from "
                + dir
                + (holder.isEmpty() ? "" : " (" + holder + ")")
                + ". Stop it first (Ctrl-C in its terminal), or use another folder.");
      }
      channel.truncate(0);
      String holder = "launcher pid " + ProcessHandle.current().pid() + ", since " + Instant.now();
      channel.write(ByteBuffer.wrap(holder.getBytes(StandardCharsets.UTF_8)));
      channel.force(false);
      return new Workspace(dir, channel, lock);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot use " + dir, e);
    }
  }

  public Path dir() {
    return dir;
  }

  public Path postgresData() {
    return dir.resolve("postgres");
  }

  public Path log(String service) {
    return dir.resolve("logs").resolve(service + ".log");
  }

  public Path pidFile(String service) {
    return dir.resolve("run").resolve(service + ".pid");
  }

  /** The admin API key: made once, then kept (readable by the owner only) across restarts. */
  public String adminKey() {
    return secret("admin-key", random -> "sk_admin_" + HexFormat.of().formatHex(random));
  }

  /**
   * The local PostgreSQL superuser's password: made once with the database, then kept (readable by
   * the owner only) in {@code postgres-password}.
   */
  public String postgresPassword() {
    return secret("postgres-password", random -> HexFormat.of().formatHex(random));
  }

  public Path postgresPasswordFile() {
    return dir.resolve("postgres-password");
  }

  /** A secret kept in a file of this folder, made from 24 random bytes the first time. */
  private String secret(String name, java.util.function.Function<byte[], String> format) {
    Path file = dir.resolve(name);
    try {
      if (Files.exists(file)) {
        String value = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (!value.isEmpty()) {
          return value;
        }
      }
      byte[] random = new byte[24];
      new SecureRandom().nextBytes(random);
      String value = format.apply(random);
      writeOwnerOnly(file, value + System.lineSeparator());
      return value;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write " + file, e);
    }
  }

  /**
   * Writes a file that only its owner can read, created so from the start (never world-readable).
   */
  static void writeOwnerOnly(Path file, String content) throws IOException {
    Files.deleteIfExists(file);
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: the file keeps the folder's permissions.
      Files.createFile(file);
    }
    Files.writeString(file, content, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    try {
      lock.release();
      lockChannel.close();
    } catch (IOException e) {
      // The lock goes with the process anyway.
    }
  }
}
