package io.summit.dr.topology;

/** A position in a topology file, lines and columns counted from 1. */
public record SourceLocation(String file, int line, int column) {
  @Override
  public String toString() {
    return file + ":" + line + ":" + column;
  }
}
