package io.summit.dr.stores.neo4j;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * An order-independent content checksum of a graph: the sum (mod 2^64) of the first 8 bytes of the
 * SHA-256 of each node's and relationship's canonical line (key, sorted labels, sorted properties;
 * start key, type, end key, sorted properties). Two graphs with the same content have the same
 * checksum whatever their element ids or storage order. Not thread-safe.
 */
final class Checksum {
  private final MessageDigest sha;
  private long sum;
  private long nodes;
  private long relationships;

  Checksum() {
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  void node(String line) {
    nodes++;
    add(line);
  }

  void relationship(String line) {
    relationships++;
    add(line);
  }

  private void add(String line) {
    sum += ByteBuffer.wrap(sha.digest(line.getBytes(StandardCharsets.UTF_8))).getLong();
  }

  long nodes() {
    return nodes;
  }

  long relationships() {
    return relationships;
  }

  String value() {
    return HexFormat.of().toHexDigits(sum);
  }
}
