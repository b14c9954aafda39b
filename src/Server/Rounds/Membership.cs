using Akka.Actor;
using Akka.Event;
using SignActors.Training.Faults;

namespace SignActors.Server.Rounds;

/// <summary>
/// Which actor speaks for each node id (SPEC §6.2): the one that registered it. Ids are 0..n−1
/// and belong to one live host (<see cref="NodeClaims"/>): a node that registers again from its
/// own host (a restart) or after its old host is gone replaces the old actor; a claim on an id
/// held by another live host is refused.
/// </summary>
public sealed class Membership(int nodes)
{
    readonly SortedDictionary<int, IActorRef> _nodes = new();
    readonly HashSet<Address> _lostHosts = new();
    readonly HashSet<Address> _warned = new();                // claimant hosts already warned about a refusal
    readonly HashSet<(int, Address)> _waiting = new();        // claims already said to wait
    readonly HashSet<int> _ever = new();                       // ids that have registered at some point
    readonly HashSet<int> _rejoining = new();                  // ids registered anew (a replacement, a return) that have not voted since

    public int Count => _nodes.Count;
    public IReadOnlyCollection<int> Ids => _nodes.Keys;
    public IEnumerable<IActorRef> Actors => _nodes.Values;
    public IEnumerable<KeyValuePair<int, IActorRef>> All => _nodes;

    public IActorRef ActorOf(int id) => _nodes[id];

    public bool InRange(int id) => id >= 0 && id < nodes;

    /// <summary>Whether node <paramref name="id"/> has registered at some point of the run.</summary>
    public bool EverRegistered(int id) => _ever.Contains(id);

    /// <summary>Whether an actor speaks for node <paramref name="id"/> now.</summary>
    public bool Holds(int id) => _nodes.ContainsKey(id);

    /// <summary>Whether node <paramref name="id"/> was registered anew by another actor (it replaced one, or came back after its loss) and has not voted since.</summary>
    public bool Rejoining(int id) => _rejoining.Contains(id);

    /// <summary>Node <paramref name="id"/>'s vote was applied: it is in step.</summary>
    public void Voted(int id) => _rejoining.Remove(id);

    /// <summary>Registers <paramref name="actor"/> as node <paramref name="id"/>; returns the actor it replaces, if another.</summary>
    public IActorRef? Register(int id, IActorRef actor)
    {
        if (!InRange(id)) throw new ArgumentOutOfRangeException(nameof(id), $"node ids are 0..{nodes - 1}, got {id}");
        _nodes.TryGetValue(id, out var previous);
        _nodes[id] = actor;
        if (!_ever.Add(id) && !actor.Equals(previous)) _rejoining.Add(id);
        _lostHosts.Remove(actor.Path.Address);
        return previous is not null && !previous.Equals(actor) ? previous : null;
    }

    /// <summary>Whether <paramref name="actor"/> is the one registered under <paramref name="id"/>.</summary>
    public bool Speaks(int id, IActorRef actor) => _nodes.TryGetValue(id, out var known) && known.Equals(actor);

    /// <summary>Forgets the node <paramref name="actor"/> spoke for; returns its id, or null if it spoke for none.</summary>
    public int? Remove(IActorRef actor)
    {
        foreach (var (j, node) in _nodes)
            if (node.Equals(actor))
            {
                _nodes.Remove(j);
                return j;
            }
        return null;
    }

    /// <summary>A line for the log about a node that came or went, how loud it is, and what the run's participation report should say of it.</summary>
    public readonly record struct News(LogLevel Level, string Line, string? Happening = null);

    /// <summary>What became of a registration: its verdict, the actor it replaced, and what to log.</summary>
    public readonly record struct Claim(ClaimVerdict Verdict, IActorRef? Replaced, News? News, string? Refusal = null)
    {
        public bool Admitted => Verdict is ClaimVerdict.Register or ClaimVerdict.Replace;
    }

    /// <summary>
    /// Node <paramref name="id"/> registers from <paramref name="actor"/>: admitted (replacing a
    /// predecessor on the same host, or one whose host is gone), refused (the id is held on another
    /// host that is up and reachable; <see cref="Claim.Refusal"/> says why), or left waiting (the
    /// holder's host is unreachable and not yet downed). Each claimant host is warned about once.
    /// </summary>
    public Claim Admit(int id, IActorRef actor, IHostDirectory hosts)
    {
        if (!InRange(id)) return new Claim(ClaimVerdict.Refuse, null, new News(LogLevel.WarningLevel, $"server: refused registration of node id {id} from {actor}: ids are 0..{nodes - 1}"), $"node id {id} is outside 0..{nodes - 1}");
        var holder = _nodes.GetValueOrDefault(id);
        var holderHost = holder is null || holder.Equals(actor) ? null : holder.Path.Address;
        var verdict = NodeClaims.Decide(actor.Path.Address, holderHost, holderHost is null ? HostState.Gone : hosts.StateOf(holderHost));
        string claimant = HostOf(actor.Path.Address);
        switch (verdict)
        {
            case ClaimVerdict.Refuse:
                string holds = $"worker host {HostOf(holderHost!)}, which is up and reachable";
                return new Claim(verdict, null, _warned.Add(actor.Path.Address) ? new News(LogLevel.WarningLevel, $"server: refused node {id} to {claimant}: it belongs to {holds}; the run goes on unchanged") : null, $"node {id} belongs to {holds}");
            case ClaimVerdict.Wait:
                return new Claim(verdict, null, _waiting.Add((id, actor.Path.Address)) ? new News(LogLevel.InfoLevel, $"server: node {id} is claimed from {claimant}; its holder's host {HostOf(holderHost!)} is unreachable, and the claim waits until that host is downed") : null);
        }
        var replaced = Register(id, actor);
        _waiting.Remove((id, actor.Path.Address));
        return new Claim(verdict, replaced, replaced is null ? null : new News(LogLevel.InfoLevel, $"server: node {id} re-registered from {actor}"));
    }

    static string HostOf(Address a) => $"{a.Host}:{a.Port}";

    /// <summary>
    /// <paramref name="actor"/> has stopped: forgets its node and says how to report it. Nodes stop when
    /// the run ends and a configured crash is the experiment: neither is news on the console; a lost
    /// worker host is one line naming its nodes.
    /// </summary>
    public News? Lose(IActorRef actor, bool runFinished, FaultPlan faults, long round)
    {
        if (!_nodes.ContainsValue(actor)) return null; // replaced by a newer registration: nothing was lost
        var lostHost = runFinished ? null : FirstLossOf(actor); // the host's ids, before this one is removed
        if (Remove(actor) is not { } j) return null;
        if (runFinished || faults.IsDown(j, round)) return new News(LogLevel.InfoLevel, $"server: node {j} has stopped");
        if (lostHost is not null)
            return new News(LogLevel.WarningLevel, $"server: worker host {HostOf(actor.Path.Address)} is gone, and with it nodes {string.Join(", ", lostHost)}; rounds go on without them until they register again",
                $"host {HostOf(actor.Path.Address)} downed at round {round}");
        return actor.Path.Address.HasGlobalScope ? new News(LogLevel.InfoLevel, $"server: node {j} is gone with its host")
            : new News(LogLevel.WarningLevel, $"server: node {j} is gone ({actor}); rounds go on without it until it registers again", $"node {j} stopped at round {round}");
    }

    /// <summary>
    /// The node ids registered from <paramref name="actor"/>'s remote host, the first time a node of
    /// that host is lost (a host that dies takes all its nodes: one report, not one per node); null
    /// for a local actor or a host already reported. The host is reported again once one of its nodes
    /// has registered anew.
    /// </summary>
    int[]? FirstLossOf(IActorRef actor)
    {
        var host = actor.Path.Address;
        if (!host.HasGlobalScope || !_lostHosts.Add(host)) return null;
        return _nodes.Where(n => n.Value.Path.Address.Equals(host)).Select(n => n.Key).ToArray();
    }
}
