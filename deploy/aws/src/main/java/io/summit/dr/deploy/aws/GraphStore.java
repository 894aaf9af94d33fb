package io.summit.dr.deploy.aws;

import io.summit.dr.topology.Store;
import org.jspecify.annotations.Nullable;
import software.amazon.awscdk.services.eks.CfnPodIdentityAssociation;
import software.amazon.awscdk.services.eks_v2.Cluster;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.iam.SessionTagsPrincipal;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.s3.Bucket;
import software.constructs.Construct;

/**
 * A Neo4j store's AWS side in one region. Neo4j itself runs on EKS (its manifests are the
 * Kubernetes deployment's job); AWS holds its periodic snapshots: a snapshot bucket (in the primary
 * replicated to the secondary's, so the secondary can restore after losing the primary) and an IAM
 * role the Neo4j pods assume through EKS Pod Identity (service account {@code neo4j/<store>}),
 * allowed to read and write the snapshots.
 */
final class GraphStore extends Construct {
  final Bucket snapshots;
  final Role podRole;

  GraphStore(
      Construct scope,
      String id,
      Store store,
      Cluster cluster,
      IKey key,
      Buckets.@Nullable Target replicateTo) {
    super(scope, id);
    snapshots = Buckets.create(this, "Snapshots", null, key, replicateTo);
    podRole =
        Role.Builder.create(this, "PodRole")
            .assumedBy(new SessionTagsPrincipal(new ServicePrincipal("pods.eks.amazonaws.com")))
            .description("Neo4j pods of store " + store.name() + ": snapshot read/write")
            .build();
    snapshots.grantReadWrite(podRole);
    CfnPodIdentityAssociation.Builder.create(this, "PodIdentity")
        .clusterName(cluster.getClusterName())
        .namespace("neo4j")
        .serviceAccount(store.name())
        .roleArn(podRole.getRoleArn())
        .build();
  }
}
