/**
 * The orchestrator on AWS: the {@code Stores}, routing and {@code Services} of a plan implemented
 * on AWS managed services through the AWS SDK v2 (RDS and Aurora Global Database, ElastiCache
 * Global Datastore, Route 53 and Route 53 ARC, S3 Multi-Region Access Points, CloudWatch) and the
 * Kubernetes API of each region's EKS cluster (fabric8); and the {@link
 * io.summit.dr.cloud.aws.Runbook}: the ordered AWS calls of each plan, which the dry run prints and
 * the IAM policies of the control plane allow, neither more nor less.
 */
@NullMarked
package io.summit.dr.cloud.aws;

import org.jspecify.annotations.NullMarked;
