namespace SignActors.Runtime.Cluster;

/// <summary>A host's Akka.Remote endpoint as discovery names it; ordered by host, then port (the lowest forms a new cluster).</summary>
public readonly record struct ContactPoint(string Host, int Port) : IComparable<ContactPoint>
{
    public int CompareTo(ContactPoint other)
    {
        int byHost = string.CompareOrdinal(Host, other.Host);
        return byHost != 0 ? byHost : Port.CompareTo(other.Port);
    }

    /// <summary>This host's Akka address under <paramref name="scheme"/> (akka.tcp, or akka.ssl.tcp with TLS).</summary>
    public string Address(string scheme) => $"{scheme}://{ClusterSettings.SystemName}@{Host}:{Port}";

    public override string ToString() => $"{Host}:{Port}";

    /// <summary>"host:port", as listed in <c>cluster.discovery.contact-points</c>.</summary>
    public static bool TryParse(string text, out ContactPoint point)
    {
        point = default;
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), out int port) || port is < 1 or > 65535) return false;
        point = new ContactPoint(text[..colon], port);
        return true;
    }
}

/// <summary>What a host not yet in a cluster does after a round of probing its contact points.</summary>
public abstract record FormationStep
{
    /// <summary>Probe again: too few contact points answer, or the set that answers is still changing.</summary>
    public sealed record Wait(string Why) : FormationStep;

    /// <summary>
    /// Join through these seeds, lowest first. When this host is the lowest it is the first seed:
    /// Akka asks the others and joins a cluster one of them is in, or forms one alone after
    /// seed-node-timeout; any other host joins whichever seed answers.
    /// </summary>
    public sealed record Join(ContactPoint[] Seeds) : FormationStep;
}

/// <summary>
/// Cluster formation from discovered contact points, the rule of Akka.Management's cluster
/// bootstrap without its HTTP probes (pure: the caller discovers and probes): wait until at least
/// <c>required</c> contact points answer and the answering set is the same on two probes in a row;
/// then every host joins the answering set sorted, so all agree on the lowest as the first seed.
/// </summary>
public static class ContactPointFormation
{
    /// <param name="answering">Contact points whose Akka.Remote port accepted a connection this probe (this host included).</param>
    /// <param name="previous">The set that answered the probe before (empty on the first).</param>
    public static FormationStep Decide(IReadOnlyCollection<ContactPoint> answering, IReadOnlyCollection<ContactPoint> previous, int required)
    {
        if (answering.Count < required) return new FormationStep.Wait($"{answering.Count} of the {required} required contact points answer");
        if (!answering.ToHashSet().SetEquals(previous)) return new FormationStep.Wait("the contact points that answer changed since the last probe");
        return new FormationStep.Join(answering.Order().ToArray());
    }
}
