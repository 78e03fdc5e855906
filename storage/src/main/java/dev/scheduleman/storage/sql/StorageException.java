package dev.scheduleman.storage.sql;

import java.sql.SQLException;
import java.util.Optional;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/** A database error, unchecked, keeping the SQLSTATE and the constraint that was violated. */
public class StorageException extends RuntimeException {

  private static final String UNIQUE_VIOLATION = "23505";

  private final String sqlState;
  private final String constraint;
  private final String reason;

  public StorageException(String message, SQLException cause) {
    super(message + ": " + cause.getMessage(), cause);
    this.sqlState = cause.getSQLState();
    this.constraint = constraintOf(cause).orElse(null);
    this.reason = reasonOf(cause);
  }

  /** What the database said, without the statement's name. */
  public String reason() {
    return reason;
  }

  /**
   * True when the database refused a value (SQLSTATE class 22, data exception: out of range, an
   * invalid character) or a row (class 23, a constraint): the same statement without that row would
   * go through.
   */
  public boolean isDataError() {
    return sqlState != null && (sqlState.startsWith("22") || sqlState.startsWith("23"));
  }

  public Optional<String> sqlState() {
    return Optional.ofNullable(sqlState);
  }

  /** The named constraint a write broke, if it broke one. */
  public Optional<String> constraint() {
    return Optional.ofNullable(constraint);
  }

  public boolean isUniqueViolation(String constraintName) {
    return UNIQUE_VIOLATION.equals(sqlState) && constraintName.equals(constraint);
  }

  /**
   * True when the database could not be reached or the connection broke (SQLSTATE class 08, or no
   * state at all, as the pool reports a timeout), as opposed to a statement it refused.
   */
  public boolean isConnectionProblem() {
    return sqlState == null || sqlState.startsWith("08") || sqlState.startsWith("57P");
  }

  private static String reasonOf(SQLException e) {
    if (e instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
      String message = psql.getServerErrorMessage().getMessage();
      if (message != null) {
        return message;
      }
    }
    return String.valueOf(e.getMessage());
  }

  private static Optional<String> constraintOf(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof PSQLException psql) {
        ServerErrorMessage server = psql.getServerErrorMessage();
        if (server != null && server.getConstraint() != null) {
          return Optional.of(server.getConstraint());
        }
      }
    }
    return Optional.empty();
  }
}
