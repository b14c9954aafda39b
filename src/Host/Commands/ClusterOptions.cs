using System.CommandLine;

namespace SignActors.Host.Commands;

/// <summary>Options the cluster verbs share.</summary>
public static class ClusterOptions
{
    public static Option<int?> ManagementPort() => new("--management-port") { Description = "overrides signactors.cluster.management.port (several hosts on one machine)" };
}
