package io.summit.dr.replication.postgres;

/** A PostgreSQL program exited with an error; carries its output for the operator. */
public final class PostgresToolException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String program;
  private final String output;

  public PostgresToolException(String program, int exitCode, String output) {
    super(program + " exited with " + exitCode + ": " + lastLines(output));
    this.program = program;
    this.output = output;
  }

  public String program() {
    return program;
  }

  public String output() {
    return output;
  }

  private static String lastLines(String output) {
    String[] lines = output.strip().split("\n");
    int from = Math.max(0, lines.length - 3);
    return String.join(" | ", java.util.Arrays.copyOfRange(lines, from, lines.length));
  }
}
