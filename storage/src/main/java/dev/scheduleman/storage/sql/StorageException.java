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

  public StorageException(String message, SQLException cause) {
    super(message + ": " + cause.getMessage(), cause);
    this.sqlState = cause.getSQLState();
    this.constraint = constraintOf(cause).orElse(null);
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
