/**
 * The Kubernetes deployment: one Kustomize-ready set of manifests per region, rendered from the
 * topology with fabric8's model builders ({@link io.summit.dr.deploy.k8s.KubernetesManifests},
 * written by {@link io.summit.dr.deploy.k8s.ManifestWriter}), and {@link
 * io.summit.dr.deploy.k8s.KubernetesServices}, the orchestrator's scale-up and restore-scale steps
 * through the Kubernetes API.
 */
@NullMarked
package io.summit.dr.deploy.k8s;

import org.jspecify.annotations.NullMarked;
