using Akka.Configuration;
using SignActors.Host.Configuration;
using SignActors.Host.Federation;
using SignActors.Messages.Serialization;

namespace SignActors.Host.Cluster;

/// <summary>`signactors.cluster`: where this host listens, the seed nodes, and the downing strategy (SPEC §12).</summary>
public sealed record ClusterSettings(string Hostname, int Port, string[] SeedNodes, int StableAfterMs)
{
    public const string SystemName = "signactors";
    public const string ServerPath = FederationSupervisor.ServerPath;

    public static ClusterSettings Read(Config root, int? portOverride = null)
    {
        var c = new SettingsReader(root, "signactors.cluster");
        var seeds = root.GetStringList("signactors.cluster.seed-nodes")?.ToArray() ?? Array.Empty<string>();
        if (seeds.Length == 0) throw new ConfigurationException("signactors.cluster.seed-nodes: list the server's address, like [\"akka.tcp://signactors@127.0.0.1:4053\"]");
        foreach (var seed in seeds)
            if (!seed.StartsWith($"akka.tcp://{SystemName}@", StringComparison.Ordinal))
                throw new ConfigurationException($"signactors.cluster.seed-nodes: \"{seed}\" is not an address of the form akka.tcp://{SystemName}@host:port");
        return new ClusterSettings(c.String("hostname"), portOverride ?? c.Int("port", 0, 65535), seeds, c.Int("stable-after-ms", 100, 600_000));
    }

    /// <summary>
    /// A launched process (SchedulerRanks): the one seed is the server, rank 0, at the scheduler's
    /// host and MASTER_PORT (else the config's port); the server listens there, a worker on
    /// <paramref name="hostname"/> at any free port. Hand-listed seed nodes are not read.
    /// </summary>
    public static ClusterSettings ForLaunch(Config root, LaunchPlace place, string hostname)
    {
        var c = new SettingsReader(root, "signactors.cluster");
        int serverPort = place.ServerPort ?? c.Int("port", 1, 65535);
        string seed = $"akka.tcp://{SystemName}@{place.ServerHost}:{serverPort}";
        return new ClusterSettings(hostname, place.IsServer ? serverPort : 0, [seed], c.Int("stable-after-ms", 100, 600_000));
    }

    /// <summary>
    /// Akka.Cluster over Akka.Remote for one host in <paramref name="role"/>. Frames and socket
    /// buffers are sized from d: the largest message is a ModelSnapshot of d parameters plus up to
    /// two optimizer buffers, and Akka.Remote silently drops a message over the frame limit.
    /// The rest (the split-brain resolver, serialization, dispatchers) is the embedded akka.conf.
    /// </summary>
    public Config AkkaConfig(string role, int dimension, HostSettings host, Config? user)
    {
        long frame = Math.Clamp(3L * 4 * dimension + 1_048_576, 128_000, int.MaxValue);
        var cluster = ConfigurationFactory.ParseString($$"""
            akka {
              actor.provider = cluster
              remote.dot-netty.tcp {
                hostname = "{{Hostname}}"
                port = {{Port}}
                maximum-frame-size = {{frame}}b
                send-buffer-size = {{frame}}b
                receive-buffer-size = {{frame}}b
              }
              cluster {
                seed-nodes = [{{string.Join(", ", SeedNodes.Select(s => $"\"{s}\""))}}]
                roles = [{{role}}]
                split-brain-resolver.stable-after = {{StableAfterMs}}ms
              }
            }
            """);
        return cluster.WithFallback(InProcessFederation.AkkaConfig(host, user));
    }
}
