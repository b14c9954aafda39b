namespace SignActors.Runtime.Cluster.Wire;

/// <summary>
/// What a cluster host accepts from its peers (docs/cluster.md, "Only our own hosts"). Only these
/// serializers run: the round protocol's (4711), Akka.Cluster's own (5), actor-selection envelopes
/// (6), and Akka.Remote's miscellaneous (16) and system (22) messages limited to what the cluster
/// needs; every other serializer id that Akka configures is taken by <see cref="RefusedSerializer"/>.
/// Akka's untrusted mode also drops remote deployment, harmful messages (PoisonPill, Terminate) and
/// actor selections except to the paths that gossip, heartbeats and a worker's look-up of the
/// server use; Kill is not "harmful" to Akka.NET, so the misc serializer refuses it.
/// </summary>
public static class ClusterWire
{
    /// <summary>Where peers may address actor selections: the cluster daemon (join, gossip), heartbeats, and the coordinator.</summary>
    public static readonly string[] TrustedSelectionPaths = ["/system/cluster/core/daemon", "/system/cluster/heartbeatReceiver", Federation.FederationSupervisor.ServerPath];

    /// <summary>Akka's serializer aliases that must not run on a cluster host, with their identifiers.</summary>
    public static readonly (string Alias, int Identifier)[] Refused =
        [("json", 1), ("proto", 2), ("daemon-create", 3), ("bytes", 4), ("primitive", 17), ("reliable-delivery", 36)];

    public static string Hocon => Config(admitDelivery: false);

    /// <param name="admitDelivery">Lets Akka.Delivery's serializer run: only for `bench --suite link`'s comparison with the host link.</param>
    public static string Config(bool admitDelivery)
    {
        var refusedHere = Refused.Where(r => !admitDelivery || r.Alias != "reliable-delivery").ToArray();
        string refused = typeof(RefusedSerializer).AssemblyQualifiedName!.Split(", Version")[0];
        string Name<T>() => typeof(T).AssemblyQualifiedName!.Split(", Version")[0];
        return $$"""
                akka.actor {
                  serializers {
                    {{string.Join("\n    ", refusedHere.Select(r => $"{r.Alias} = \"{refused}\""))}}
                    akka-misc = "{{Name<ClusterMiscSerializer>()}}"
                    akka-system-msg = "{{Name<ClusterSystemMessageSerializer>()}}"
                  }
                  serialization-settings {
                    {{string.Join("\n    ", refusedHere.Select(r => $"{r.Alias} {{ refused-identifier = {r.Identifier}, refused-name = \"{r.Alias}\" }}"))}}
                  }
                }
                akka.remote {
                  untrusted-mode = on
                  trusted-selection-paths = [{{string.Join(", ", TrustedSelectionPaths.Select(p => $"\"{p}\""))}}]
                }
                """;
    }
}
