package io.summit.dr.orchestrator.detection;

import io.summit.dr.replication.Endpoint;

/** A loopback address where nothing listens (a port that was free a moment ago). */
final class TestRedisClosedPort {
  private TestRedisClosedPort() {}

  static Endpoint address() {
    return new Endpoint("127.0.0.1", TestRedis.freePort());
  }
}
