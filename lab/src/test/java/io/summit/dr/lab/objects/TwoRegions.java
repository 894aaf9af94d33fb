package io.summit.dr.lab.objects;

import io.summit.dr.lab.process.ObjectsServer;
import io.summit.dr.lab.process.OsProcesses;
import io.summit.dr.replication.Endpoint;
import io.summit.dr.replication.objects.BucketRole;
import io.summit.dr.replication.objects.S3Clients;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import software.amazon.awssdk.services.s3.S3Client;

/** Two real S3Mock servers, "west" and "east", for the object replication tests. */
final class TwoRegions implements AutoCloseable {
  final Path root;
  final ObjectsServer west;
  final ObjectsServer east;
  long westPid;
  long eastPid;
  final S3Client westS3;
  final S3Client eastS3;

  TwoRegions() throws IOException {
    root = Files.createTempDirectory("summit-objects-test");
    west = new ObjectsServer(root.resolve("west"), free(), free());
    east = new ObjectsServer(root.resolve("east"), free(), free());
    westPid = west.spawn();
    eastPid = east.spawn();
    west.awaitUp(westPid, Duration.ofSeconds(120));
    east.awaitUp(eastPid, Duration.ofSeconds(120));
    westS3 = S3Clients.at(west.endpoint(), Duration.ofSeconds(5));
    eastS3 = S3Clients.at(east.endpoint(), Duration.ofSeconds(5));
  }

  static Endpoint free() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return new Endpoint("127.0.0.1", s.getLocalPort());
    }
  }

  /** Creates {@code bucket} in both regions, versioned, west the primary. */
  void buckets(String bucket) {
    west.prepareBucket(bucket, BucketRole.PRIMARY);
    east.prepareBucket(bucket, BucketRole.REPLICA);
  }

  /** SIGKILL to the west server, then starts it again from its directory. */
  void restartWest() {
    OsProcesses.kill(westPid);
    OsProcesses.awaitExit(westPid, Duration.ofSeconds(10));
    westPid = west.start(Duration.ofSeconds(120));
  }

  @Override
  public void close() {
    westS3.close();
    eastS3.close();
    OsProcesses.stop(westPid, "TERM", Duration.ofSeconds(10));
    OsProcesses.stop(eastPid, "TERM", Duration.ofSeconds(10));
  }
}
