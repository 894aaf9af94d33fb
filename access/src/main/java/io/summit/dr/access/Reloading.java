package io.summit.dr.access;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * An access list that follows its files: at most once a second (at a request) it compares each
 * file's modification time, size and identity with what it read, and reads the list again when one
 * changed. A rewrite that does not read (missing, open to others, malformed) is logged once and the
 * last good list stays in force: a slip while editing neither opens the server nor locks everyone
 * out. Thread-safe.
 */
final class Reloading implements Supplier<AccessList> {
  private static final System.Logger LOG = System.getLogger(Reloading.class.getName());
  static final long CHECK_NANOS = 1_000_000_000L;

  private volatile AccessList current;
  private List<Object> stamp;
  private long checkedAt;
  private int reads;

  Reloading(AccessList initial) {
    this.current = initial;
    this.stamp = stamp(initial.files());
    this.checkedAt = System.nanoTime();
  }

  @Override
  public AccessList get() {
    long now = System.nanoTime();
    synchronized (this) {
      if (now - checkedAt < CHECK_NANOS) {
        return current;
      }
      checkedAt = now;
      List<Object> seen = stamp(current.files());
      if (seen.equals(stamp)) {
        return current;
      }
      stamp = seen;
      reads++;
      try {
        AccessList again = current.readAgain();
        LOG.log(
            System.Logger.Level.INFO,
            "access: " + again.source() + " read again: " + again.principals().size() + " entries");
        current = again;
      } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
        LOG.log(
            System.Logger.Level.WARNING,
            "access: "
                + e.getMessage()
                + "; the list read before stays in force until the file is fixed");
      }
      return current;
    }
  }

  /** How many times a change was seen and the files read again (taken or not). */
  synchronized int reads() {
    return reads;
  }

  /** Each file's modification time, size and identity (inode), or "missing". */
  static List<Object> stamp(List<Path> files) {
    List<Object> out = new ArrayList<>();
    for (Path f : files) {
      try {
        BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
        out.add(List.of(a.lastModifiedTime().toMillis(), a.size(), String.valueOf(a.fileKey())));
      } catch (IOException e) {
        out.add("missing");
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return "Reloading[" + Objects.toString(current) + "]";
  }
}
