using Akka.Actor;
using Akka.Cluster;
using SignActors.Server.Rounds;

namespace SignActors.Runtime.Cluster;

/// <summary>
/// The server's view of hosts, read from Akka.Cluster's current state (an immutable snapshot, safe
/// to read from the coordinator's thread): up and reachable, unreachable or leaving, or gone.
/// </summary>
public sealed class ClusterHostDirectory(Akka.Cluster.Cluster cluster) : IHostDirectory
{
    public HostState StateOf(Address host)
    {
        var state = cluster.State;
        var member = state.Members.FirstOrDefault(m => m.Address.Equals(host));
        if (member is null || member.Status is MemberStatus.Down or MemberStatus.Removed) return HostState.Gone;
        if (member.Status is MemberStatus.Leaving or MemberStatus.Exiting || state.Unreachable.Any(m => m.Address.Equals(host))) return HostState.Unreachable;
        return HostState.Live;
    }
}
