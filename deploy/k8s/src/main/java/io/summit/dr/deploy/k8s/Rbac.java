package io.summit.dr.deploy.k8s;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.summit.dr.topology.Service;
import io.summit.dr.topology.Topology;
import java.util.List;

/**
 * Least-privilege access for the components that call the Kubernetes API: the orchestrator may get,
 * update and patch only the topology services' Deployments (and their scale subresource) and
 * autoscalers, by name, in its own namespace: what the scale-up and restore-scale steps do. Nothing
 * may list, create or delete, and no cluster-wide role is granted.
 */
final class Rbac {
  static final List<String> VERBS = List.of("get", "update", "patch");

  private final Workloads workloads;
  private final List<String> names;

  Rbac(Workloads workloads, Topology topology) {
    this.workloads = workloads;
    this.names = topology.services().stream().map(Service::name).toList();
  }

  Role role(Component c) {
    return new RoleBuilder()
        .withMetadata(workloads.meta(c.name(), c.role()))
        .withRules(
            rule("apps", List.of("deployments", "deployments/scale")),
            rule("autoscaling", List.of("horizontalpodautoscalers")))
        .build();
  }

  private PolicyRule rule(String group, List<String> resources) {
    return new PolicyRuleBuilder()
        .withApiGroups(group)
        .withResources(resources)
        .withResourceNames(names)
        .withVerbs(VERBS)
        .build();
  }

  RoleBinding binding(Component c) {
    return new RoleBindingBuilder()
        .withMetadata(workloads.meta(c.name(), c.role()))
        .withNewRoleRef()
        .withApiGroup("rbac.authorization.k8s.io")
        .withKind("Role")
        .withName(c.name())
        .endRoleRef()
        .addNewSubject()
        .withKind("ServiceAccount")
        .withName(c.name())
        .withNamespace(workloads.namespace())
        .endSubject()
        .build();
  }
}
