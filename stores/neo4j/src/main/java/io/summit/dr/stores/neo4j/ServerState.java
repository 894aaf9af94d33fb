package io.summit.dr.stores.neo4j;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.jspecify.annotations.Nullable;

/**
 * A server's durable role, kept in {@code server-state.json} beside the graph and written
 * atomically (temporary file, then rename), so that a fence, a promotion or a rebuild in progress
 * survives a restart.
 *
 * @param role {@code primary} or {@code replica}
 * @param fenced a fenced primary's listener vetoes every commit
 * @param term the writer term: a transaction whose metadata carries an older {@code term} is vetoed
 * @param upstream a replica's primary, as {@code host:port} of its admin API
 * @param promotedAt the sequence number this node had applied when it was promoted (0 if never)
 * @param rebuilding a rebuild from a snapshot began and has not finished: redo it at start
 */
public record ServerState(
    String role,
    boolean fenced,
    long term,
    @Nullable String upstream,
    long promotedAt,
    boolean rebuilding) {
  public static final String PRIMARY = "primary";
  public static final String REPLICA = "replica";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FILE = "server-state.json";

  public ServerState {
    if (!role.equals(PRIMARY) && !role.equals(REPLICA)) {
      throw new IllegalArgumentException("role: '" + role + "' (expected: primary or replica)");
    }
    if (role.equals(REPLICA) && upstream == null) {
      throw new IllegalArgumentException("upstream: missing (expected: a replica's primary)");
    }
    if (term < 0) {
      throw new IllegalArgumentException("term: " + term + " (expected: >= 0)");
    }
  }

  public static ServerState initial(@Nullable String upstream) {
    return upstream == null
        ? new ServerState(PRIMARY, false, 0, null, 0, false)
        : new ServerState(REPLICA, false, 0, upstream, 0, false);
  }

  @JsonIgnore
  public boolean isPrimary() {
    return role.equals(PRIMARY);
  }

  public ServerState withFenced(boolean f) {
    return new ServerState(role, f, term, upstream, promotedAt, rebuilding);
  }

  public ServerState withTerm(long t) {
    return new ServerState(role, fenced, t, upstream, promotedAt, rebuilding);
  }

  public ServerState promoted(long at) {
    return new ServerState(PRIMARY, false, term, null, at, false);
  }

  public ServerState replicaOf(String newUpstream, boolean rebuild) {
    return new ServerState(REPLICA, false, term, newUpstream, promotedAt, rebuild);
  }

  /** The state recorded in {@code dir}, or {@code fallback} when none is. */
  public static ServerState read(Path dir, ServerState fallback) {
    Path f = dir.resolve(FILE);
    if (!Files.exists(f)) {
      return fallback;
    }
    try {
      return JSON.readValue(f.toFile(), ServerState.class);
    } catch (IOException e) {
      throw new UncheckedIOException(f + ": unreadable server state: " + e.getMessage(), e);
    }
  }

  public void write(Path dir) {
    try {
      Files.createDirectories(dir);
      Path tmp = dir.resolve(FILE + ".tmp");
      JSON.writeValue(tmp.toFile(), this);
      Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(dir + ": cannot write the server state: " + e.getMessage(), e);
    }
  }
}
