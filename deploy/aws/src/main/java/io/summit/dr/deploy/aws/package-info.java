/**
 * The AWS deployment: an AWS CDK app that synthesises the two-region platform (VPCs, EKS, RDS,
 * ElastiCache Global Datastore, S3 cross-region replication, Route 53, alarms) from a topology.
 * {@link io.summit.dr.deploy.aws.AwsTopology} checks that a topology maps onto AWS; {@link
 * io.summit.dr.deploy.aws.SummitApp} builds the stacks; {@link io.summit.dr.deploy.aws.AwsMain} is
 * the {@code summit-dr aws synth} command line.
 */
@NullMarked
package io.summit.dr.deploy.aws;

import org.jspecify.annotations.NullMarked;
