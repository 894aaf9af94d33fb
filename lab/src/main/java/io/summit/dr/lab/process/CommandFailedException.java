package io.summit.dr.lab.process;

import java.util.List;

/** A program the lab ran exited with an error; carries its output. */
public final class CommandFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;
  private final String output;

  public CommandFailedException(List<String> command, int exitCode, String output) {
    super(String.join(" ", command) + " failed (exit " + exitCode + "): " + tail(output));
    this.exitCode = exitCode;
    this.output = output;
  }

  public int exitCode() {
    return exitCode;
  }

  public String output() {
    return output;
  }

  private static String tail(String output) {
    String[] lines = output.strip().split("\n");
    return String.join(
        " | ", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 4), lines.length));
  }
}
