using Akka.Actor;

namespace SignActors.Server.Rounds;

/// <summary>Where a host stands in the cluster, as the server sees it (a host is an Akka address).</summary>
public enum HostState
{
    /// <summary>A member, up (or joining) and reachable.</summary>
    Live,
    /// <summary>A member that the failure detector cannot reach, or that is leaving: not yet downed.</summary>
    Unreachable,
    /// <summary>Downed, removed, or never a member: its actors are gone or going.</summary>
    Gone,
}

/// <summary>The cluster's view of hosts, for the server's decisions about node ids.</summary>
public interface IHostDirectory
{
    HostState StateOf(Address host);
}

/// <summary>One process: every actor lives on this host, so there is no other host to ask about.</summary>
public sealed class OneHost : IHostDirectory
{
    public static readonly OneHost Instance = new();
    public HostState StateOf(Address host) => HostState.Live;
}

/// <summary>What the server does with a registration for a node id.</summary>
public enum ClaimVerdict
{
    /// <summary>The id is free, or the claimant already holds it.</summary>
    Register,
    /// <summary>The claimant takes the id over: its holder restarted on the same host, or its holder's host is gone.</summary>
    Replace,
    /// <summary>The id's holder is on another host that is up and reachable: the claimant is refused (and stops).</summary>
    Refuse,
    /// <summary>The holder's host is unreachable but not yet downed: no answer; the claimant asks again and takes the id once it is.</summary>
    Wait,
}

/// <summary>
/// Node ids belong to one live host (SPEC §6.2 across hosts): a registration never takes an id
/// from a host that is still up and reachable, so a second worker started with the same ids is
/// refused instead of silencing the first; a host that is gone gives its ids to whoever claims them.
/// </summary>
public static class NodeClaims
{
    /// <param name="claimant">The host the registration comes from.</param>
    /// <param name="holder">The host of the actor registered under the id now; null when it is free.</param>
    /// <param name="holderState">Where <paramref name="holder"/> stands (unused when the id is free or held on the claimant's host).</param>
    public static ClaimVerdict Decide(Address claimant, Address? holder, HostState holderState) =>
        holder is null ? ClaimVerdict.Register
        : holder.Equals(claimant) ? ClaimVerdict.Replace // a restarted node actor on the same host replaces its predecessor
        : holderState switch
        {
            HostState.Live => ClaimVerdict.Refuse,
            HostState.Unreachable => ClaimVerdict.Wait,
            _ => ClaimVerdict.Replace,
        };
}
